import type { IncomingMessage } from 'node:http';
import { toEndpointResponse } from '../pinpoint-api/endpoint-response';
import { pinpointOperation, type PinpointOperation } from '../pinpoint-api/pinpoint-operation';
import { toPinpointAnswer } from '../pinpoint-api/pinpoint-answer';
import { detectPinpointSender } from '../pinpoint-api/pinpoint-sender';
import type { PinpointIngest } from '../pipeline/pinpoint-ingest';
import { header } from './headers';
import type { WireAnswer } from '../wire-answer';
import { createIngestHandler, type IngestHandler, type IngestResult, type IngestRouteDeps } from './ingest-exchange';

/** What the Pinpoint route needs: the shared guards (`bodyLimit` is `PINPOINT_BODY_LIMIT`) and the Pinpoint pipeline. */
export interface PinpointRouteDeps extends IngestRouteDeps {
  pinpoint: PinpointIngest;
}

/** A handler on Node's own request and response, so it runs with or without Express. */
export type PinpointHandler = IngestHandler;

function jsonAnswer(status: number, value: unknown): WireAnswer {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}

/** Runs one operation on its read body: Pinpoint's success answer, and the events it accepted. */
async function perform(
  pinpoint: PinpointIngest,
  operation: PinpointOperation,
  body: Buffer,
  contentEncoding: string | undefined,
  receivedAt: number,
  requestId: string,
): Promise<IngestResult> {
  const { applicationId } = operation;
  switch (operation.name) {
    case 'PutEvents': {
      const { response, events, refusedEvents } = await pinpoint.putEvents({ applicationId, body, contentEncoding, receivedAt });
      return { answer: jsonAnswer(202, response), events, refusedEvents };
    }
    case 'UpdateEndpoint':
      await pinpoint.updateEndpoint({ applicationId, endpointId: operation.endpointId, body, contentEncoding, receivedAt });
      return { answer: jsonAnswer(202, { Message: 'Accepted', RequestID: requestId }), events: 0 };
    case 'GetEndpoint': {
      const stored = pinpoint.getEndpoint(applicationId, operation.endpointId);
      return { answer: jsonAnswer(200, toEndpointResponse(applicationId, operation.endpointId, stored)), events: 0 };
    }
  }
}

/**
 * `/v1/apps/…`: the Pinpoint-native API for senders that called Pinpoint itself (PutEvents,
 * Amplify JS v5's `events/legacy` beacon, UpdateEndpoint, GetEndpoint;
 * `pinpoint-api/pinpoint-operation.ts`), with the legacy route's guards in the same order
 * (`createIngestHandler`): the access checks read the path's application and endpoint ids and a
 * `mobiletargeting` signature. Every answer is in Pinpoint's shape: the success bodies here,
 * errors and each sender's "retry later" from `toPinpointAnswer`, for the sender the user agent
 * names. Writes (not reads) go to the recorder once answered.
 */
export function createPinpointHandler(deps: PinpointRouteDeps): PinpointHandler {
  const { pinpoint } = deps;
  return createIngestHandler(deps, (request: IncomingMessage) => {
    const sender = detectPinpointSender(header(request, 'user-agent'), header(request, 'x-amz-user-agent'));
    const method = request.method ?? 'GET';
    const url = request.url ?? '';
    let operation: PinpointOperation | undefined;
    return {
      clientKind: sender.kind,
      operation: () => operation?.name,
      admit(access) {
        operation = pinpointOperation(method, url);
        const { applicationId } = operation;
        const target = operation.name === 'PutEvents' ? { applicationId } : { applicationId, endpointId: operation.endpointId };
        return access.admitPinpoint({ method, url, headers: request.headers }, target);
      },
      work(body, receivedAt, requestId) {
        // admit named the operation before any body was read.
        return perform(pinpoint, operation as PinpointOperation, body, header(request, 'content-encoding'), receivedAt, requestId);
      },
      refuse: (outcome, requestId) => toPinpointAnswer(outcome, sender.kind, requestId),
      recorded: method !== 'GET',
    };
  });
}
