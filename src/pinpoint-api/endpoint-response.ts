import { hash } from 'node:crypto';
import type { EndpointResponse } from '@aws-sdk/client-pinpoint';
import type { StoredEndpoint } from '../endpoint-profiles/endpoint-profile-store';

/** Pinpoint's cohorts: an endpoint belongs to one of 0 to 99, for A/B splits of segments. */
const COHORTS = 100;

/**
 * The endpoint's cohort, `"0"` to `"99"`. Pinpoint assigns one at random when an endpoint is
 * created and keeps it; the proxy has no creation to hang a draw on that every instance and every
 * restart would agree on, so it derives the cohort from the endpoint id alone (the first 32 bits
 * of a SHA-256, mod 100): the same endpoint always gets the same one, endpoints spread evenly.
 */
export function cohortOf(endpointId: string): string {
  return String(Number.parseInt(hash('sha256', endpointId, 'hex').slice(0, 8), 16) % COHORTS);
}

/**
 * GetEndpoint's answer (the 200 body) for a stored profile: the application and endpoint ids,
 * the cohort (`cohortOf`), `CreationDate` (the first UpdateEndpoint stored) and the profile's
 * fields as they were merged, `EffectiveDate` being the latest UpdateEndpoint's, as an ISO instant.
 * Fields never sent are left out, as the JSON the SDKs parse leaves out absent members.
 */
export function toEndpointResponse(applicationId: string, endpointId: string, stored: StoredEndpoint): EndpointResponse {
  return {
    ...stored.profile,
    ApplicationId: applicationId,
    Id: endpointId,
    CohortId: cohortOf(endpointId),
    CreationDate: new Date(stored.createdAt).toISOString(),
  };
}
