import type { EventsResponse } from '@aws-sdk/client-pinpoint';
import { createMemoryEndpointProfileStore } from '../endpoint-profiles/memory-endpoint-profile-store';
import { PayloadTooLargeError } from '../errors';
import { mapPinpointRequest } from '../mapping/map-pinpoint-request';
import { createEndpointRequestChecker } from '../pinpoint-api/endpoint-request-checks';
import { createEventsRequestChecker } from '../pinpoint-api/events-request-checks';
import { detectPinpointSender } from '../pinpoint-api/pinpoint-sender';
import { createByteBudget } from '../pipeline/byte-budget';
import { createPinpointIngest } from '../pipeline/pinpoint-ingest';
import type { DryRunOptions, DryRunResult } from './dry-run';
import { acceptedResult, refusedResult, type RequestFacts } from './dry-run-line';
import { createSinkPreview } from './dry-run-sinks';
import { createKeepingAcceptor } from './keeping-acceptor';
import type { PinpointCall } from './replay-call';
import type { ReplayRequest } from './replay-request';

/** Pinpoint's status for an accepted PutEvents or UpdateEndpoint, and each accepted event's in the EventsResponse. */
const ACCEPTED = 202;

/** The request id in a dry run's error answers: nothing was received, so no id was made for it. */
const DRY_RUN_REQUEST_ID = 'dry-run';

/** The dry run of one Pinpoint call with a body. */
export type PinpointDryRun = (request: ReplayRequest, call: PinpointCall, body: Buffer, facts: RequestFacts) => Promise<DryRunResult>;

/** The events an EventsResponse refuses (a per-event check failed): their endpoint, id and Pinpoint's message. */
function refusedEvents(response: EventsResponse): Array<{ endpointId: string; eventId: string; message: string | undefined }> {
  return Object.entries(response.Results ?? {}).flatMap(([endpointId, item]) =>
    Object.entries(item.EventsItemResponse ?? {})
      .filter(([, entry]) => entry.StatusCode !== ACCEPTED)
      .map(([eventId, entry]) => ({ endpointId, eventId, message: entry.Message })),
  );
}

/**
 * The Pinpoint dry run: the service's own Pinpoint pipeline in-process (`createPinpointIngest`:
 * body inflation, the PutEvents and UpdateEndpoint checks, with the service's limits; a body over
 * the route's limit refused first, as the route does while reading it). Its acceptor keeps the
 * accepted PutEvents request; its endpoint profile store is in memory and lives for the whole dry
 * run, so an UpdateEndpoint's profile is merged into the PutEvents after it, as the service does
 * (it starts empty: profiles the service stored before the recording are not known).
 * - PutEvents: `refusedEvents`, the events the EventsResponse refuses (the 202 still answers the
 *   call), then what the sinks get (`mapPinpointRequest`, the profiles snapshotted at acceptance).
 * - UpdateEndpoint: `applicationId`, `endpointId` and `profile`, the profile stored once it is
 *   merged (an update older than the stored one leaves that one).
 * A refusal is answered as `toPinpointAnswer` (handed in) answers the sender told from the
 * User-Agent.
 */
export function createPinpointDryRun(options: Pick<DryRunOptions, 'format' | 'inflatedBodyLimit' | 'pinpoint'>): PinpointDryRun {
  const { bodyLimit, endpointStoreMaxBytes, answer } = options.pinpoint;
  const profiles = createMemoryEndpointProfileStore({ maxBytes: endpointStoreMaxBytes });
  const acceptor = createKeepingAcceptor();
  const ingest = createPinpointIngest({
    checkEvents: createEventsRequestChecker(),
    checkEndpoint: createEndpointRequestChecker(),
    profiles,
    acceptor,
    inflatedBodyLimit: options.inflatedBodyLimit,
    // One request at a time: the budget never has to wait.
    budget: createByteBudget(options.inflatedBodyLimit),
  });
  const sinkPreview = createSinkPreview(options.format);
  return async (request, call, body, facts) => {
    const { headers } = request;
    const sender = detectPinpointSender(headers['user-agent'], headers['x-amz-user-agent']);
    const received = { applicationId: call.applicationId, body, contentEncoding: headers['content-encoding'], receivedAt: request.time };
    try {
      if (body.length > bodyLimit) throw new PayloadTooLargeError(`The payload cannot exceed ${bodyLimit} bytes.`);
      if (call.name === 'UpdateEndpoint') {
        await ingest.updateEndpoint({ ...received, endpointId: call.endpointId });
        const stored = profiles.get(call.applicationId, call.endpointId);
        return acceptedResult(facts, ACCEPTED, { applicationId: call.applicationId, endpointId: call.endpointId, profile: stored?.profile });
      }
      const { response } = await ingest.putEvents(received);
      const accepted = acceptor.takePinpoint();
      return acceptedResult(facts, ACCEPTED, { refusedEvents: refusedEvents(response) }, sinkPreview(accepted === undefined ? [] : mapPinpointRequest(accepted)));
    } catch (err: unknown) {
      return refusedResult(facts, err, answer(err, sender.kind, DRY_RUN_REQUEST_ID));
    }
  };
}
