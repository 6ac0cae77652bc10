import type { EventEnvelope } from './event-envelope';
import { mapLegacyRequest, type LegacyRequest } from './map-legacy-request';

/** Maps a validated request to envelopes (as sent) with this deployment's app id map. */
export type RequestMapper = (request: LegacyRequest) => EventEnvelope[];

/** The mapper with this deployment's `PINPOINT_APP_ID_MAP`. */
export function createRequestMapper(appIdMap: ReadonlyMap<string, string>): RequestMapper {
  return (request) => mapLegacyRequest(request, appIdMap).envelopes;
}
