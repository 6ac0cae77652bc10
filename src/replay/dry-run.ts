import type { ClientKind } from '../legacy/types';
import type { PinpointSenderKind } from '../pinpoint-api/pinpoint-sender';
import { requestFacts, skippedResult } from './dry-run-line';
import { createLegacyDryRun } from './legacy-dry-run';
import { createPinpointDryRun } from './pinpoint-dry-run';
import type { ReplayAnswer } from './replay-answer';
import { replayCallOf } from './replay-call';
import type { ReplayRequest } from './replay-request';

/** What the dry run prints for an accepted request: Pinpoint PutEvents requests, or event-stream records. */
export type DryRunFormat = 'putevents' | 'event-stream';

/** The formats `--format` takes. */
export const DRY_RUN_FORMATS: readonly DryRunFormat[] = ['putevents', 'event-stream'];

/** The wire answer to an outcome (`'accepted'` or what handling threw) for a client kind: `toLegacyResponse`, handed in from outside. */
export type LegacyAnswer = (outcome: unknown, kind: ClientKind) => { status: number; headers: Readonly<Record<string, string>> };

/** The Pinpoint wire answer to what handling a call threw, for a sender: `toPinpointAnswer`, handed in as the legacy answer is. */
export type PinpointErrorAnswer = (outcome: unknown, sender: PinpointSenderKind, requestId: string) => { status: number; headers: Readonly<Record<string, string>> };

/** The settings of the service whose answers the dry run shows. */
export interface DryRunOptions {
  readonly format: DryRunFormat;
  /** `PINPOINT_APP_ID_MAP` (legacy requests only: a Pinpoint call's path names its project). */
  readonly appIdMap: ReadonlyMap<string, string>;
  /** `BODY_LIMIT` (legacy requests). */
  readonly bodyLimit: number;
  /** `INFLATED_BODY_LIMIT`. */
  readonly inflatedBodyLimit: number;
  readonly answer: LegacyAnswer;
  /** The Pinpoint route's: its body limit, `ENDPOINT_STORE_MAX_BYTES` and its error answers. */
  readonly pinpoint: {
    readonly bodyLimit: number;
    readonly endpointStoreMaxBytes: number;
    readonly answer: PinpointErrorAnswer;
  };
}

/** One request's dry run: its JSON line, and the answer as replay counts it (none when it was skipped). */
export interface DryRunResult {
  readonly line: string;
  readonly answer?: ReplayAnswer;
}

/** A dry run of recorded requests, one at a time in their order. */
export type DryRun = (request: ReplayRequest) => Promise<DryRunResult>;

/**
 * Builds the dry run: each request goes through the service's own pipeline in-process, the one
 * of the call it makes (`legacy-dry-run.ts`, `pinpoint-dry-run.ts`), with an acceptor that keeps
 * what it is handed instead of storing or sending it, then through the same mapping the sinks
 * use, with the recorded time as the arrival time. Nothing is sent, spooled or stored. State
 * lives as long as the dry run: Pinpoint endpoint profiles stored by an UpdateEndpoint are merged
 * into the PutEvents requests after it, so requests must be run in their recorded order.
 *
 * One JSON line per request: `source`, `call` (`LegacyPutEvents`, `PutEvents`, `UpdateEndpoint`),
 * `clientKind`, `recordedStatus` (when known) and `status`, the answer the service would give;
 * then, when accepted, what the call's dry run adds (`putEvents` or `records` for the events;
 * `refusedEvents` for a Pinpoint PutEvents; the stored `profile` for an UpdateEndpoint); when
 * refused, `errorType` and `reason`. A request whose capture holds no body, or that makes no call
 * replay knows, gets `skipped` instead.
 */
export function createDryRun(options: DryRunOptions): DryRun {
  const legacy = createLegacyDryRun(options);
  const pinpoint = createPinpointDryRun(options);
  return async (request) => {
    const call = replayCallOf(request.method, request.url);
    const facts = requestFacts(request, call);
    if (call === undefined) return skippedResult(facts, `not a call replay knows: ${request.method} ${request.url.split('?', 1)[0] ?? ''}`);
    if (request.body === null) return skippedResult(facts, 'the capture holds no body');
    return call.name === 'LegacyPutEvents' ? legacy(request, request.body, facts) : pinpoint(request, call, request.body, facts);
  };
}
