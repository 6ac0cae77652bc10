import type { EndpointRequest } from '@aws-sdk/client-pinpoint';

/** An endpoint profile as stored by UpdateEndpoint, with the store's own dates. */
export interface StoredEndpoint {
  /** The profile: every UpdateEndpoint accepted so far for this endpoint, merged (see `put`). */
  profile: EndpointRequest;
  /** Unix ms of the first UpdateEndpoint stored for this endpoint. */
  createdAt: number;
  /** Unix ms of the last UpdateEndpoint that changed the profile. */
  updatedAt: number;
}

/** What `put` did: stored (new or newer), or kept the stored profile because it is newer. */
export type PutOutcome = 'stored' | 'older-kept';

/**
 * The endpoint profiles UpdateEndpoint stores, by application id and endpoint id. Durable: a
 * `put` that returned has reached the disk, so the 202 after it is true. Bounded: a `put` that
 * would take the store past its byte limit throws a RetryLaterError (reason `endpoint_store_full`).
 */
export interface EndpointProfileStore {
  /**
   * Stores an UpdateEndpoint's request. The latest `EffectiveDate` wins (a request without one
   * takes `receivedAt`): a newer request is laid over the stored profile field by field
   * (`mergeEndpoint`), an older one leaves it as it is.
   */
  put(applicationId: string, endpointId: string, request: EndpointRequest, receivedAt: number): PutOutcome;
  /** The stored profile, or undefined when none was stored. */
  get(applicationId: string, endpointId: string): StoredEndpoint | undefined;
  /** The stored profiles of these endpoints (those that have one), for a PutEvents request's mapping. */
  getMany(applicationId: string, endpointIds: readonly string[]): Map<string, EndpointRequest>;
  close(): void;
}
