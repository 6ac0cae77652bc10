import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessControl } from '../access/access-control';
import { PayloadTooLargeError } from '../errors';
import type { Logger } from '../logger';
import type { RequestMetrics } from '../metrics/request-metrics';
import { toEndpointResponse } from '../pinpoint-api/endpoint-response';
import { toPinpointAnswer, type PinpointAnswer } from '../pinpoint-api/pinpoint-answer';
import { detectPinpointSender } from '../pinpoint-api/pinpoint-sender';
import type { PinpointIngest } from '../pipeline/pinpoint-ingest';
import type { Recorder } from '../recording/recorder';
import type { Cors } from './cors';
import { header } from './headers';
import { pinpointOperation, type PinpointOperation } from '../pinpoint-api/pinpoint-operation';
import { readBody } from './read-body';
import { createRequestLog } from './request-log';
import type { UploadSlots } from './upload-slots';

/** What the Pinpoint route needs. */
export interface PinpointRouteDeps {
  pinpoint: PinpointIngest;
  cors: Cors;
  /** `PINPOINT_BODY_LIMIT`: the largest body as sent (Pinpoint's own 4 MB quota unless lowered). */
  bodyLimit: number;
  /** Shared with the legacy route: one bound on requests in work. */
  uploads: UploadSlots;
  logger: Logger;
  /** Unix ms clock, injectable for tests. */
  now: () => number;
  recorder: Recorder;
  access: AccessControl;
  metrics: RequestMetrics;
}

/** A handler on Node's own request and response, so it runs with or without Express. */
export type PinpointHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

function jsonAnswer(status: number, value: unknown, requestId: string): PinpointAnswer {
  return { status, headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId }, body: JSON.stringify(value) };
}

/** Runs one operation on its read body; its answer on success and the events it accepted. */
async function perform(
  pinpoint: PinpointIngest,
  operation: PinpointOperation,
  body: Buffer,
  contentEncoding: string | undefined,
  receivedAt: number,
  requestId: string,
): Promise<{ answer: PinpointAnswer; events: number; refusedEvents?: number }> {
  const { applicationId } = operation;
  switch (operation.name) {
    case 'PutEvents': {
      const { response, events, refusedEvents } = await pinpoint.putEvents({ applicationId, body, contentEncoding, receivedAt });
      return { answer: jsonAnswer(202, response, requestId), events, refusedEvents };
    }
    case 'UpdateEndpoint':
      await pinpoint.updateEndpoint({ applicationId, endpointId: operation.endpointId, body, contentEncoding, receivedAt });
      return { answer: jsonAnswer(202, { Message: 'Accepted', RequestID: requestId }, requestId), events: 0 };
    case 'GetEndpoint': {
      const stored = pinpoint.getEndpoint(applicationId, operation.endpointId);
      return { answer: jsonAnswer(200, toEndpointResponse(applicationId, operation.endpointId, stored), requestId), events: 0 };
    }
  }
}

/**
 * `/v1/apps/…`: the Pinpoint-native API for senders that called Pinpoint itself (PutEvents,
 * Amplify JS v5's `events/legacy` beacon, UpdateEndpoint, GetEndpoint; `pinpoint-api/pinpoint-operation.ts`).
 * The same guards as the legacy route, in the same order: an upload slot, the access checks on
 * the head (the path's application id and endpoint id; a signature for `mobiletargeting`), `100
 * Continue` only then, the body read within `PINPOINT_BODY_LIMIT`, the signature over it. Every
 * answer is in Pinpoint's shape: the success bodies here, errors and each sender's "retry later"
 * from `toPinpointAnswer`. Writes (not reads) go to the recorder once answered.
 */
export function createPinpointHandler(deps: PinpointRouteDeps): PinpointHandler {
  const { pinpoint, cors, bodyLimit, uploads, logger, now, recorder, access, metrics } = deps;
  const log = createRequestLog(logger);
  return async (request, response) => {
    const started = performance.now();
    const requestId = randomUUID();
    const sender = detectPinpointSender(header(request, 'user-agent'), header(request, 'x-amz-user-agent'));
    const method = request.method ?? 'GET';
    const url = request.url ?? '';
    let operation: PinpointOperation | undefined;
    let outcome: unknown = 'accepted';
    let answer: PinpointAnswer;
    let events = 0;
    let refusedEvents: number | undefined;
    let receivedAt = now();
    let body: Buffer | null = null;
    let admitted = false;
    try {
      operation = pinpointOperation(method, url);
      uploads.take();
      admitted = true;
      const endpointId = operation.name === 'PutEvents' ? undefined : operation.endpointId;
      const checkBody = access.admitPinpoint({ method, url, headers: request.headers }, { applicationId: operation.applicationId, ...(endpointId === undefined ? {} : { endpointId }) });
      if (header(request, 'expect')?.toLowerCase() === '100-continue' && !(Number(header(request, 'content-length')) > bodyLimit)) {
        response.writeContinue();
      }
      body = await readBody(request, bodyLimit);
      receivedAt = now();
      checkBody(body);
      ({ answer, events, refusedEvents } = await perform(pinpoint, operation, body, header(request, 'content-encoding'), receivedAt, requestId));
    } catch (err: unknown) {
      outcome = err;
      answer = toPinpointAnswer(err, sender.kind, requestId);
    } finally {
      if (admitted) uploads.release();
    }
    const headers: Record<string, string> = {
      ...answer.headers,
      ...cors.responseHeaders(header(request, 'origin')),
      'Content-Length': String(Buffer.byteLength(answer.body)),
    };
    // A body not (or not all) read must not be taken for the next request on the connection.
    if (outcome instanceof PayloadTooLargeError || body === null) headers['Connection'] = 'close';
    response.writeHead(answer.status, headers);
    response.end(answer.body);
    if (method !== 'GET') {
      recorder.record({ receivedAt, method, url, rawHeaders: request.rawHeaders, body, status: answer.status, requestId, clientKind: sender.kind });
    }
    log({ requestId, ...(operation ? { operation: operation.name } : {}), status: answer.status, clientKind: sender.kind, events, refusedEvents, started, outcome });
    metrics.answered({
      status: answer.status,
      clientKind: sender.kind,
      durationSeconds: (performance.now() - started) / 1000,
      bodyBytes: body?.length ?? 0,
      events,
      outcome,
    });
  };
}
