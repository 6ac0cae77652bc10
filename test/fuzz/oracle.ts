import { createHash } from 'node:crypto';
import { ProxyError } from '../../src/errors';
import { decodeClientContext } from '../../src/legacy/client-context';
import { detectClientSdk } from '../../src/legacy/client-sdk';
import { inflateBody, parseJsonBody } from '../../src/legacy/decode-body';
import type { ClientSdk, LegacyClientContext, LegacyEventsBody } from '../../src/legacy/types';
import { createLegacyValidator, type LegacyValidator } from '../../src/legacy/validator';
import { mapLegacyRequest } from '../../src/mapping/map-legacy-request';
import { headerValue, type FuzzRequest } from './wire';

/** The limits the proxy runs with (from its own config). */
export interface OracleLimits {
  bodyLimit: number;
  inflatedBodyLimit: number;
}

/**
 * What the service must answer, found the way it decides: the body limit, then
 * `decodeClientContext`, the client context's validation, `inflateBody`, `parseJsonBody` and the
 * body's validation, in `pipeline/ingest.ts`'s order.
 */
export type Verdict =
  | { answer: 'accepted'; clientContext: LegacyClientContext; body: LegacyEventsBody; sdk: ClientSdk }
  | { answer: 'refused'; status: number; reason: string }
  /** Something other than a ProxyError was thrown: the service answers "retry later". */
  | { answer: 'retry-later'; reason: string };

export interface Oracle {
  verdict(request: FuzzRequest): Promise<Verdict>;
}

export function createOracle(limits: OracleLimits): Oracle {
  const validator: LegacyValidator = createLegacyValidator();
  return {
    async verdict(request) {
      const declared = Number(headerValue(request, 'content-length') ?? request.body.length);
      if (declared > limits.bodyLimit || request.body.length > limits.bodyLimit) {
        return { answer: 'refused', status: 413, reason: 'body over BODY_LIMIT' };
      }
      const sdk = detectClientSdk(headerValue(request, 'user-agent'), headerValue(request, 'x-amz-user-agent'));
      try {
        const context = decodeClientContext(headerValue(request, 'x-amz-client-context'), headerValue(request, 'x-amz-client-context-encoding'));
        const clientContext = validator.clientContext(context.value).value;
        const inflated = await inflateBody(request.body, headerValue(request, 'content-encoding'), limits.inflatedBodyLimit);
        const body = validator.body(parseJsonBody(inflated.toString('utf8')).value).value;
        return { answer: 'accepted', clientContext, body, sdk };
      } catch (err: unknown) {
        if (err instanceof ProxyError) return { answer: 'refused', status: err.status, reason: err.message };
        return { answer: 'retry-later', reason: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
      }
    },
  };
}

/** One event the proxy must store: its id, and a lossless digest of what the id is derived from. */
export interface ExpectedEvent {
  eventId: string;
  /** SHA-256 over UTF-16 code units of (app, endpoint, index, event JSON): distinct inputs, distinct digests. */
  identity: string;
}

/** A finding about an accepted request that needs no store: the failure class and the details. */
export interface Finding {
  failure: string;
  detail: string;
}

/** The ids of an accepted request, mapped as the delivery side maps it, and what is wrong with it. */
export interface Expected {
  /** The Pinpoint application and endpoint ids of the events (empty when the mapping threw). */
  applicationId: string;
  endpointId: string;
  events: ExpectedEvent[];
  findings: Finding[];
}

/** Why two different events got one id, from the application and endpoint ids of both. */
export function collisionCause(a: { applicationId: string; endpointId: string }, b: { applicationId: string; endpointId: string }): string {
  const ids = [a.applicationId, a.endpointId, b.applicationId, b.endpointId];
  if (ids.some((id) => !id.isWellFormed())) return 'lone surrogates in the app or client id (encoded as U+FFFD before hashing)';
  if (ids.some((id) => id.includes('\u0000'))) return 'NUL in the app or client id (the separator of the hashed fields)';
  return 'same app, client and position';
}

export const FAILURE = {
  unmappable: 'acknowledged (202) but the mapping throws: the events can never be delivered',
  impossibleDate: 'acknowledged (202) a timestamp that names no real date',
  timestampChanged: 'acknowledged (202) a real timestamp but mapped it to another instant',
} as const;

/** Maps an accepted request (`receivedAt` does not enter ids) and checks its timestamps independently of the service. */
export function expectedEvents(verdict: Verdict & { answer: 'accepted' }): Expected {
  const findings: Finding[] = [];
  const { body } = verdict;
  body.events.forEach((event, i) => {
    const stamps: Array<[string, unknown]> = [
      [`events[${i}].timestamp`, event.timestamp],
      [`events[${i}].session.startTimestamp`, event.session?.startTimestamp],
      [`events[${i}].session.stopTimestamp`, event.session?.stopTimestamp],
    ];
    for (const [where, value] of stamps) {
      if (value === undefined) continue;
      if (typeof value !== 'string' || Number.isNaN(realTimestampMs(value))) {
        findings.push({ failure: FAILURE.impossibleDate, detail: `${where} = ${JSON.stringify(value)}` });
      }
    }
  });
  let mapped;
  try {
    mapped = mapLegacyRequest({ clientContext: verdict.clientContext, body, sdk: verdict.sdk, receivedAt: 0 }, new Map());
  } catch (err: unknown) {
    findings.push({ failure: FAILURE.unmappable, detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    return { applicationId: '', endpointId: '', events: [], findings };
  }
  const events = mapped.envelopes.map((envelope, index): ExpectedEvent => {
    const legacy = body.events[index];
    const sent = typeof legacy?.timestamp === 'string' ? realTimestampMs(legacy.timestamp) : Number.NaN;
    const got = Date.parse(envelope.event.Timestamp ?? '');
    if (!Number.isNaN(sent) && !(Math.abs(got - sent) <= 1)) {
      findings.push({
        failure: FAILURE.timestampChanged,
        detail: `events[${index}].timestamp ${JSON.stringify(legacy?.timestamp)} is ${new Date(sent).toISOString()}, mapped to ${JSON.stringify(envelope.event.Timestamp)}`,
      });
    }
    const identity = createHash('sha256')
      .update(Buffer.from(`${mapped.applicationId}\u0000${mapped.endpointId}\u0000${index}\u0000${JSON.stringify(legacy)}`, 'utf16le'))
      .update(Buffer.from([mapped.applicationId.length, mapped.endpointId.length].join(','), 'utf8'))
      .digest('hex');
    return { eventId: envelope.eventId, identity };
  });
  return { applicationId: mapped.applicationId, endpointId: mapped.endpointId, events, findings };
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/**
 * Unix ms of a legacy timestamp computed from its fields, or NaN when it names no real date or
 * time: month 1–12, a day the month has (leap years included), hour 0–23 (or 24:00:00 exactly,
 * which ISO 8601 and ECMAScript allow as the end of a day), minute and second 0–59, offset up to
 * 23:59. Fractions beyond milliseconds are cut. Written without Date.parse, which rolls
 * 2026-02-30 over to March 2.
 */
export function realTimestampMs(value: string): number {
  const m = TIMESTAMP.exec(value);
  if (!m) return Number.NaN;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = Number(m[6] ?? '0');
  const fraction = m[7] ?? '';
  const offsetHours = Number(m[9] ?? '0');
  const offsetMinutes = Number(m[10] ?? '0');
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  const endOfDay = hour === 24 && minute === 0 && second === 0 && /^0*$/.test(fraction);
  if ((hour > 23 && !endOfDay) || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return Number.NaN;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const sign = m[8] === '-' ? -1 : 1;
  return date.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}
