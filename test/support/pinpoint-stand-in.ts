import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomUUID } from 'node:crypto';
import aws4 from 'aws4';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Event, EventsRequest, PublicEndpoint } from '@aws-sdk/client-pinpoint';
import { createStrictAjv, loadSchema } from '../../src/schemas';

/** One event as the stand-in received it, flattened out of its `BatchItem`. */
export interface StandInEvent {
  applicationId: string;
  endpointId: string;
  eventId: string;
  endpoint: PublicEndpoint;
  event: Event;
}

/** A call that passed the signature and model checks, and what the stand-in answered. */
export interface ReceivedCall {
  applicationId: string;
  request: EventsRequest;
  eventIds: string[];
  status: number;
  /** Unix ms of arrival. */
  at: number;
  /** The received headers (lower-case names), to prove what was and was not forwarded. */
  headers: Record<string, string>;
}

/** What the stand-in answers one call; see `StandInBehavior`. */
export type StandInAnswer =
  | { status: 202; rejectEventIds?: string[]; message?: string }
  | { status: 400 | 403 | 404 | 413 | 429 | 500 | 503; code?: string; message?: string };

/** Chooses the answer of each valid call (`index` counts valid calls from 0); undefined → 202, all accepted. */
export type StandInBehavior = (call: {
  applicationId: string;
  request: EventsRequest;
  eventIds: string[];
  index: number;
}) => StandInAnswer | undefined;

/** A running Pinpoint PutEvents stand-in. */
export interface PinpointStandIn {
  /** `http://127.0.0.1:<port>`, for `PINPOINT_ENDPOINT`. */
  url: string;
  /** Every call that passed the signature and model checks, with the status answered. */
  calls: ReceivedCall[];
  /** Every event answered 202-accepted, in arrival order, duplicates kept. */
  delivered(): StandInEvent[];
  /** Calls refused for a bad signature or an invalid body; must stay empty in good tests. */
  rejectedRequests: Array<{ reason: string }>;
  setBehavior(b: StandInBehavior | undefined): void;
  close(): Promise<void>;
}

/** The only credentials the stand-in accepts; the proxy under test must sign with them. */
export const STAND_IN_CREDENTIALS: { readonly accessKeyId: string; readonly secretAccessKey: string } = Object.freeze({
  accessKeyId: 'AKIDSTANDIN',
  secretAccessKey: 'stand-in-secret-key/for+tests',
});

const DEFAULT_CODES: Record<number, string> = {
  400: 'BadRequestException',
  403: 'ForbiddenException',
  404: 'NotFoundException',
  413: 'PayloadTooLargeException',
  429: 'TooManyRequestsException',
  500: 'InternalServerErrorException',
  503: 'ServiceUnavailable',
};

const EVENTS_PATH = /^\/v1\/apps\/([^/]+)\/events$/;
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;
const MAX_EVENTS_PER_CALL = 100;
const MAX_ENTRIES_PER_EVENT = 40;

/** Refusal of a whole call, recorded in `rejectedRequests`. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  compiled ??= createStrictAjv({ allErrors: true }).compile(loadSchema('pinpoint/events-request.schema.json'));
  return compiled;
}

/** Names the first schema problems of an EventsRequest, or returns undefined when it is valid. */
export function eventsRequestProblems(request: unknown): string | undefined {
  const validate = validator();
  if (validate(request)) return undefined;
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`)
    .join('; ');
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

/** Recomputes the SigV4 signature with aws4 and throws a 403 Refusal when it does not match. */
function verifySignature(method: string, path: string, headers: Record<string, string>, body: Buffer, region: string): void {
  const match = AUTHORIZATION.exec(headers['authorization'] ?? '');
  if (!match) throw new Refusal(403, 'InvalidSignatureException', 'Missing or malformed SigV4 Authorization header');
  const [, accessKeyId, date, signedRegion, service, signedHeaderList, signature] = match as unknown as string[];
  if (accessKeyId !== STAND_IN_CREDENTIALS.accessKeyId) throw new Refusal(403, 'UnrecognizedClientException', `Unknown access key ${accessKeyId}`);
  if (service !== 'mobiletargeting') throw new Refusal(403, 'InvalidSignatureException', `Credential should be scoped to service 'mobiletargeting', not '${service}'`);
  if (signedRegion !== region) throw new Refusal(403, 'InvalidSignatureException', `Credential should be scoped to region '${region}', not '${signedRegion}'`);
  const amzDate = headers['x-amz-date'];
  if (!amzDate || amzDate.slice(0, 8) !== date) throw new Refusal(403, 'InvalidSignatureException', 'X-Amz-Date missing or not matching the credential scope');
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const claimedHash = headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== bodyHash && claimedHash !== 'UNSIGNED-PAYLOAD') {
    throw new Refusal(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match the body');
  }
  const names = (signedHeaderList as string).split(';');
  if (!names.includes('host')) throw new Refusal(403, 'InvalidSignatureException', "'host' must be a signed header");
  const signedHeaders: Record<string, string> = {};
  const include: Record<string, boolean> = {};
  for (const name of names) {
    const value = headers[name];
    if (value === undefined) throw new Refusal(403, 'InvalidSignatureException', `Signed header '${name}' is missing`);
    signedHeaders[name] = value;
    include[name] = true;
  }
  const options: aws4.Request & { extraHeadersToInclude: Record<string, boolean> } = {
    method,
    path,
    host: headers['host'],
    headers: signedHeaders,
    body,
    service: 'mobiletargeting',
    region,
    doNotModifyHeaders: true,
    extraHeadersToInclude: include,
  };
  const signer = new aws4.RequestSigner(options, STAND_IN_CREDENTIALS);
  signer.datetime = amzDate;
  if (signer.signature() !== signature) {
    throw new Refusal(403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
  }
}

/** Checks what the schema cannot: ≤100 events per call, ≤40 attributes + metrics per event. */
function checkLimits(request: EventsRequest): string[] {
  const eventIds: string[] = [];
  for (const [endpointId, batch] of Object.entries(request.BatchItem ?? {})) {
    for (const [eventId, event] of Object.entries(batch.Events ?? {})) {
      const entries = Object.keys(event.Attributes ?? {}).length + Object.keys(event.Metrics ?? {}).length;
      if (entries > MAX_ENTRIES_PER_EVENT) {
        throw new Refusal(400, 'BadRequestException', `Event ${endpointId}/${eventId}: number of attributes per event submitted should be less than 40 (got ${entries}).`);
      }
      eventIds.push(eventId);
    }
  }
  if (eventIds.length > MAX_EVENTS_PER_CALL) {
    throw new Refusal(400, 'BadRequestException', `A PutEvents call can carry at most 100 events (got ${eventIds.length}).`);
  }
  return eventIds;
}

function readAll(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ Message: message });
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'x-amzn-ErrorType': code,
    'x-amzn-RequestId': randomUUID(),
    'Content-Length': String(Buffer.byteLength(body)),
  });
  response.end(body);
}

/** A 32-bit integer hash (murmur3's finalizer) of a call index: pseudo-random, but the same on every run. */
function mixIndex(index: number): number {
  let h = Math.imul(index + 1, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A flaky Pinpoint: about `percent` % of calls fail, picked by a hash of the call index so that
 * a failing run replays identically (calls 0, 1 and 6 fail). Failures take turns at 429, 500 and
 * 503, so even a short run meets each.
 */
export function flakyBehavior(percent = 30): StandInBehavior {
  const failures = [429, 500, 503] as const;
  let failed = 0;
  return ({ index }) => {
    if (mixIndex(index) % 100 >= percent) return undefined;
    return { status: failures[failed++ % failures.length] ?? 503 };
  };
}

/**
 * Starts a Pinpoint PutEvents stand-in: a real HTTP server on loopback that checks what real
 * Pinpoint checks (SigV4 for `mobiletargeting` in the region, the EventsRequest model, the
 * per-call and per-event limits) and answers like it (202 with per-event Results, or an error
 * with `x-amzn-ErrorType` and `{"Message"}`). Tests choose answers with a behaviour, and can
 * emulate the 15 calls/s quota with `quotaPerSecond`.
 */
export async function startPinpointStandIn(
  options: { region?: string; behavior?: StandInBehavior; quotaPerSecond?: number } = {},
): Promise<PinpointStandIn> {
  const region = options.region ?? 'us-east-1';
  let behavior = options.behavior;
  const calls: ReceivedCall[] = [];
  const rejectedRequests: Array<{ reason: string }> = [];
  const accepted: StandInEvent[] = [];
  const recent: number[] = [];

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readAll(request);
    const headers = flatHeaders(request.headers);
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const pathMatch = EVENTS_PATH.exec(url.pathname);
    if (request.method !== 'POST' || !pathMatch) {
      rejectedRequests.push({ reason: `unexpected ${request.method} ${url.pathname}` });
      sendError(response, 404, 'NotFoundException', 'Resource not found');
      return;
    }
    const applicationId = decodeURIComponent(pathMatch[1] as string);
    let parsed: EventsRequest;
    let eventIds: string[];
    try {
      verifySignature(request.method, request.url ?? '/', headers, body, region);
      if (headers['content-encoding'] && headers['content-encoding'] !== 'identity') {
        throw new Refusal(400, 'BadRequestException', `Unexpected Content-Encoding ${headers['content-encoding']}`);
      }
      try {
        parsed = JSON.parse(body.toString('utf8')) as EventsRequest;
      } catch {
        throw new Refusal(400, 'BadRequestException', 'Could not parse request body into json');
      }
      const problems = eventsRequestProblems(parsed);
      if (problems) throw new Refusal(400, 'BadRequestException', `Invalid EventsRequest: ${problems}`);
      eventIds = checkLimits(parsed);
    } catch (err: unknown) {
      if (!(err instanceof Refusal)) throw err;
      rejectedRequests.push({ reason: `${err.code}: ${err.message}` });
      sendError(response, err.status, err.code, err.message);
      return;
    }

    const at = Date.now();
    while (recent.length > 0 && (recent[0] as number) <= at - 1000) recent.shift();
    let answer: StandInAnswer;
    if (options.quotaPerSecond !== undefined && recent.length >= options.quotaPerSecond) {
      answer = { status: 429, message: 'Too many requests' };
    } else {
      recent.push(at);
      answer = behavior?.({ applicationId, request: parsed, eventIds, index: calls.length }) ?? { status: 202 };
    }
    calls.push({ applicationId, request: parsed, eventIds, status: answer.status, at, headers });
    if (answer.status !== 202) {
      sendError(response, answer.status, answer.code ?? DEFAULT_CODES[answer.status] ?? 'UnknownError', answer.message ?? `Stand-in answered ${answer.status}`);
      return;
    }
    const rejects = new Set(answer.rejectEventIds ?? []);
    const results: Record<string, { EndpointItemResponse: { StatusCode: number; Message: string }; EventsItemResponse: Record<string, { StatusCode: number; Message: string }> }> = {};
    for (const [endpointId, batch] of Object.entries(parsed.BatchItem ?? {})) {
      const items: Record<string, { StatusCode: number; Message: string }> = {};
      for (const [eventId, event] of Object.entries(batch.Events ?? {})) {
        if (rejects.has(eventId)) {
          items[eventId] = { StatusCode: 400, Message: answer.message ?? 'Event rejected by the stand-in' };
        } else {
          items[eventId] = { StatusCode: 202, Message: 'Accepted' };
          accepted.push({ applicationId, endpointId, eventId, endpoint: batch.Endpoint ?? {}, event });
        }
      }
      results[endpointId] = { EndpointItemResponse: { StatusCode: 202, Message: 'Accepted' }, EventsItemResponse: items };
    }
    const text = JSON.stringify({ Results: results });
    response.writeHead(202, {
      'Content-Type': 'application/json',
      'x-amzn-RequestId': randomUUID(),
      'Content-Length': String(Buffer.byteLength(text)),
    });
    response.end(text);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((err: unknown) => {
      rejectedRequests.push({ reason: `stand-in failure: ${(err as Error).message}` });
      if (!response.headersSent) sendError(response, 500, 'InternalServerErrorException', 'Stand-in failure');
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    delivered: () => [...accepted],
    rejectedRequests,
    setBehavior(b) {
      behavior = b;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
