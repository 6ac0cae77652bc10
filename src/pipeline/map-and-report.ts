import type { Logger } from '../logger';
import type { EventEnvelope } from '../mapping/event-envelope';
import { mapLegacyRequest, type LegacyRequest } from '../mapping/map-legacy-request';

/** Maps a validated request to envelopes, logging (never silently) what was fitted to Pinpoint's limits. */
export type RequestMapper = (request: LegacyRequest) => EventEnvelope[];

/** The mapper with this deployment's `PINPOINT_APP_ID_MAP`. */
export function createRequestMapper(appIdMap: ReadonlyMap<string, string>, logger: Logger): RequestMapper {
  return (request) => {
    const mapped = mapLegacyRequest(request, appIdMap);
    const { droppedEntries, truncatedValues } = mapped.adjustments;
    if (droppedEntries > 0 || truncatedValues > 0) {
      logger.warn('legacy data fitted to Pinpoint limits', { droppedEntries, truncatedValues, events: mapped.envelopes.length });
    }
    return mapped.envelopes;
  };
}
