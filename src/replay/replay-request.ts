import { detectClientSdk } from '../legacy/client-sdk';
import type { ClientKind } from '../legacy/types';
import { detectPinpointSender, type PinpointSenderKind } from '../pinpoint-api/pinpoint-sender';
import { isPinpointCall, replayCallOf } from './replay-call';

/** Who sent a request: a legacy client kind, or a Pinpoint-native sender's kind (`unknown` is both). */
export type ReplayClientKind = ClientKind | PinpointSenderKind;

/**
 * One recorded request (a legacy PutEvents, or a Pinpoint-native call), from a recording line or
 * a HAR entry, as replay and the dry run take it: what to send again, and what is known about
 * how it went the first time.
 */
export interface ReplayRequest {
  /** Where it was read: `file:line` for a recording, `file#entries[i]` for a HAR entry. */
  readonly source: string;
  /** When it was received (recording) or started (HAR), Unix ms. */
  readonly time: number;
  readonly method: string;
  /** Path and query as received, appended to the replay target. */
  readonly url: string;
  /** Header names in lower case; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The body bytes as sent (compressed if they were); null when the capture holds no body. */
  readonly body: Buffer | null;
  /** The status the service (recording) or the server (HAR) answered, when known. */
  readonly recordedStatus?: number;
  /** The client kind the service told when it recorded the request. */
  readonly clientKind?: ReplayClientKind;
}

/**
 * The client kind of a request: as recorded, else told from its User-Agent headers as the service
 * tells it, by the rules of the API it calls (a Pinpoint sender's kind for a Pinpoint call).
 */
export function clientKindOf(request: ReplayRequest): ReplayClientKind {
  if (request.clientKind !== undefined) return request.clientKind;
  const { headers } = request;
  const call = replayCallOf(request.method, request.url);
  if (call !== undefined && isPinpointCall(call)) return detectPinpointSender(headers['user-agent'], headers['x-amz-user-agent']).kind;
  return detectClientSdk(headers['user-agent'], headers['x-amz-user-agent']).kind;
}
