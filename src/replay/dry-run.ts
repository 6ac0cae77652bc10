import { PayloadTooLargeError, ProxyError } from '../errors';
import { detectClientSdk } from '../legacy/client-sdk';
import type { ClientKind } from '../legacy/types';
import { createLegacyValidator } from '../legacy/validator';
import { createEventStreamSerializer } from '../mapping/event-stream-json';
import { mapLegacyRequest, type ValidatedRequest } from '../mapping/map-legacy-request';
import { fitForPinpoint } from '../mapping/pinpoint-limits';
import { toPutEventsCalls } from '../mapping/put-events-calls';
import { createIngest } from '../pipeline/ingest';
import type { ReplayAnswer } from './replay-answer';
import type { ReplayRequest } from './replay-request';

/** What the dry run prints for an accepted request: Pinpoint PutEvents requests, or event-stream records. */
export type DryRunFormat = 'putevents' | 'event-stream';

/** The formats `--format` takes. */
export const DRY_RUN_FORMATS: readonly DryRunFormat[] = ['putevents', 'event-stream'];

/** The wire answer to an outcome (`'accepted'` or what handling threw) for a client kind: `toLegacyResponse`, handed in from outside. */
export type LegacyAnswer = (outcome: unknown, kind: ClientKind) => { status: number; headers: Readonly<Record<string, string>> };

/** The settings of the service whose answers the dry run shows. */
export interface DryRunOptions {
  readonly format: DryRunFormat;
  /** `PINPOINT_APP_ID_MAP`. */
  readonly appIdMap: ReadonlyMap<string, string>;
  /** `BODY_LIMIT`. */
  readonly bodyLimit: number;
  /** `INFLATED_BODY_LIMIT`. */
  readonly inflatedBodyLimit: number;
  readonly answer: LegacyAnswer;
}

/** One request's dry run: its JSON line, and the answer as replay counts it (none when it has no body). */
export interface DryRunResult {
  readonly line: string;
  readonly answer?: ReplayAnswer;
}

/** A dry run of one recorded request. */
export type DryRun = (request: ReplayRequest) => Promise<DryRunResult>;

/** A line's JSON object without its closing brace, for fields appended as JSON text. */
function openObject(fields: Record<string, unknown>): string {
  return JSON.stringify(fields).slice(0, -1);
}

/**
 * Builds the dry run: each request goes through the service's own pipeline in-process
 * (`createIngest`: client context, body inflation, validation, with the service's limits) with
 * an acceptor that keeps the validated request instead of storing or sending it, then through
 * the same mapping the sinks use, with the recorded time as the arrival time (event ids do not
 * depend on it; `arrival_timestamp` does). Nothing is sent, spooled or stored.
 *
 * One JSON line per request: `source`, `clientKind`, `recordedStatus` (when known) and `status`,
 * the answer the service would give; then, when accepted, `putEvents`: the PutEvents requests
 * (`{ApplicationId, EventsRequest: {BatchItem}}`) the Pinpoint sink sends for this request alone
 * (fitted to Pinpoint's limits and grouped as it does), or `records`: the event-stream records
 * the Kinesis, Firehose and local sinks write; when refused, `errorType` (the answer's
 * `x-amzn-ErrorType`, null where the client kind gets none) and `reason` (the validation message).
 * A request whose capture holds no body gets `skipped` instead.
 */
export function createDryRun(options: DryRunOptions): DryRun {
  const validator = createLegacyValidator();
  const toRecordJson = createEventStreamSerializer();
  return async (request) => {
    const { headers, body } = request;
    const sdk = detectClientSdk(headers['user-agent'], headers['x-amz-user-agent']);
    const kind = request.clientKind ?? sdk.kind;
    const known = { source: request.source, clientKind: kind, ...(request.recordedStatus !== undefined ? { recordedStatus: request.recordedStatus } : {}) };
    if (body === null) return { line: JSON.stringify({ ...known, skipped: 'the capture holds no body' }) };
    const kept: { request?: ValidatedRequest } = {};
    const ingest = createIngest({
      validator,
      inflatedBodyLimit: options.inflatedBodyLimit,
      acceptor: {
        admit() {},
        async accept(validated) {
          kept.request = validated;
        },
        // The legacy ingest never hands over a Pinpoint request.
        acceptPinpoint: () => Promise.reject(new Error('a legacy dry run got a Pinpoint request')),
      },
    });
    let outcome: unknown = 'accepted';
    try {
      // The service refuses a body over BODY_LIMIT while reading it (http/read-body.ts), before ingest.
      if (body.length > options.bodyLimit) throw new PayloadTooLargeError(`The payload cannot exceed ${options.bodyLimit} bytes.`);
      await ingest({
        clientContext: headers['x-amz-client-context'],
        clientContextEncoding: headers['x-amz-client-context-encoding'],
        contentEncoding: headers['content-encoding'],
        sdk,
        body,
        receivedAt: request.time,
      });
    } catch (err: unknown) {
      outcome = err;
    }
    const { status, headers: answerHeaders } = options.answer(outcome, sdk.kind);
    const answer: ReplayAnswer = { source: request.source, clientKind: kind, status, ms: 0 };
    if (kept.request === undefined) {
      const reason = outcome instanceof Error ? outcome.message : String(outcome);
      const errorType = answerHeaders['x-amzn-ErrorType'] ?? null;
      const detail = outcome instanceof ProxyError ? outcome.code : 'InternalError';
      return { line: JSON.stringify({ ...known, status, errorType, reason }), answer: { ...answer, detail } };
    }
    const { envelopes } = mapLegacyRequest(kept.request, options.appIdMap);
    if (options.format === 'event-stream') return { line: `${openObject({ ...known, status })},"records":[${envelopes.map(toRecordJson).join(',')}]}`, answer };
    const putEvents = toPutEventsCalls(envelopes.map((envelope) => fitForPinpoint(envelope).envelope)).map((call) => ({ ApplicationId: call.applicationId, EventsRequest: call.request }));
    return { line: JSON.stringify({ ...known, status, putEvents }), answer };
  };
}
