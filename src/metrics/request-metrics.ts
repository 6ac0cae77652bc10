import { Counter, Histogram, type Registry } from 'prom-client';
import type { ClientKind } from '../legacy/types';
import type { PinpointSenderKind } from '../pinpoint-api/pinpoint-sender';
import { refusalOf } from './refusal';

/** One answered request, as the legacy events route or the Pinpoint route knows it. */
export interface AnsweredRequest {
  status: number;
  /** The legacy client kind, or the Pinpoint-native sender's kind (`pinpoint-android`, `amplify-js`, …). */
  clientKind: ClientKind | PinpointSenderKind;
  /** From the first byte read to the answer written. */
  durationSeconds: number;
  /** The body's bytes as received (compressed or not); 0 when it was not read in full. */
  bodyBytes: number;
  /** Events accepted (0 unless accepted). */
  events: number;
  /** `'accepted'`, or what the request's handling threw. */
  outcome: unknown;
}

/** What the events route tells the metrics; the route knows no metrics library. */
export interface RequestMetrics {
  answered(request: AnsweredRequest): void;
}

/**
 * Request latency buckets, seconds: a durable accept is a group commit (a few ms), an upstream
 * one a destination's round trip, a slow upload up to `REQUEST_TIMEOUT_MS`.
 */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The ingest side's instruments on `registry`. Labels are bounded by code (status, client kind,
 * the refusal classes' reasons): never an app id, a client id or anything else a device sends.
 */
export function createRequestMetrics(registry: Registry): RequestMetrics {
  const registers = [registry];
  const requests = new Counter({
    name: 'ma2pinpoint_requests_total',
    help: 'Requests answered on the ingest routes, by HTTP status and client kind (legacy: android, ios, js; Pinpoint-native: pinpoint-android, pinpoint-ios, amplify-js, amplify-android, amplify-swift, amplify-flutter, aws-sdk-js, aws-cli; unknown).',
    labelNames: ['status', 'client_kind'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'ma2pinpoint_request_duration_seconds',
    help: 'Time from reading an events request to its answer, by client kind.',
    labelNames: ['client_kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const receivedBytes = new Counter({
    name: 'ma2pinpoint_received_bytes_total',
    help: 'Bytes of events request bodies as received (compressed or not), by client kind; bodies not read in full are not counted.',
    labelNames: ['client_kind'] as const,
    registers,
  });
  const acceptedEvents = new Counter({
    name: 'ma2pinpoint_accepted_events_total',
    help: 'Events accepted (stored in the spool, or delivered in upstream mode), by client kind.',
    labelNames: ['client_kind'] as const,
    registers,
  });
  const refused = new Counter({
    name: 'ma2pinpoint_refused_requests_total',
    help: 'Events requests refused, by refusal (bad_request, too_large, forbidden, retry_later) and reason (spool_full, rate_limited, access_denied, ...).',
    labelNames: ['refusal', 'reason'] as const,
    registers,
  });
  return {
    answered(request) {
      const kind = request.clientKind;
      requests.inc({ status: String(request.status), client_kind: kind });
      duration.observe({ client_kind: kind }, request.durationSeconds);
      if (request.bodyBytes > 0) receivedBytes.inc({ client_kind: kind }, request.bodyBytes);
      const refusal = refusalOf(request.outcome);
      if (refusal) refused.inc(refusal);
      else acceptedEvents.inc({ client_kind: kind }, request.events);
    },
  };
}
