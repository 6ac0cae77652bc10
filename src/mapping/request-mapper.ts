import type { EventEnvelope } from './event-envelope';
import { mapLegacyRequest, type LegacyRequest } from './map-legacy-request';
import type { LimitAdjustments } from './pinpoint-limits';

/** Maps a validated request to envelopes with this deployment's app id map. */
export type RequestMapper = (request: LegacyRequest) => EventEnvelope[];

/** Told what was fitted to Pinpoint's limits in one request, so it is never silent. */
export type FitReport = (adjustments: LimitAdjustments, events: number) => void;

/** The mapper with this deployment's `PINPOINT_APP_ID_MAP`; `onFitted` hears of every request whose data was fitted. */
export function createRequestMapper(appIdMap: ReadonlyMap<string, string>, onFitted: FitReport): RequestMapper {
  return (request) => {
    const mapped = mapLegacyRequest(request, appIdMap);
    const { droppedEntries, truncatedValues } = mapped.adjustments;
    if (droppedEntries > 0 || truncatedValues > 0) onFitted(mapped.adjustments, mapped.envelopes.length);
    return mapped.envelopes;
  };
}
