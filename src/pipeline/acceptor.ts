import type { LegacyRequest } from '../mapping/map-legacy-request';

/**
 * A legacy request that passed validation, with the JSON texts it was parsed from: durable mode
 * stores the texts as they are (no re-serialization on the HTTP thread) and maps them at delivery.
 */
export interface ValidatedRequest extends LegacyRequest {
  clientContextJson: string;
  bodyJson: string;
}

/**
 * Takes responsibility for a validated request: delivers it now (upstream mode) or stores it
 * durably (durable mode). Resolves only once the events are safe; throws a ProxyError otherwise.
 */
export interface Acceptor {
  accept(request: ValidatedRequest): Promise<void>;
}
