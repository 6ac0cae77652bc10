import type { EndpointRequest } from '@aws-sdk/client-pinpoint';
import type { EndpointProfileStore } from './endpoint-profile-store';
import { planEndpointUpdate, storedEndpointOf, type ProfileRecord } from './endpoint-update';

/**
 * An `EndpointProfileStore` in memory, with the SQLite store's rules and byte bound
 * (`planEndpointUpdate`): the replay dry run's store, which must leave `endpoints.db` alone, and
 * the fake for tests. Nothing survives the process; `close` lets the profiles go.
 */
export function createMemoryEndpointProfileStore(options: { maxBytes: number }): EndpointProfileStore {
  // Maps, not objects: an id such as `__proto__` is a key like any other.
  const apps = new Map<string, Map<string, ProfileRecord>>();
  let storedBytes = 0;

  return {
    put(applicationId, endpointId, request, receivedAt) {
      const endpoints = apps.get(applicationId) ?? new Map<string, ProfileRecord>();
      const plan = planEndpointUpdate(applicationId, endpointId, endpoints.get(endpointId), request, receivedAt, { storedBytes, maxBytes: options.maxBytes });
      if (plan.outcome === 'older-kept') return plan.outcome;
      endpoints.set(endpointId, plan.record);
      apps.set(applicationId, endpoints);
      storedBytes += plan.growth;
      return plan.outcome;
    },
    get(applicationId, endpointId) {
      const record = apps.get(applicationId)?.get(endpointId);
      return record === undefined ? undefined : storedEndpointOf(record);
    },
    getMany(applicationId, endpointIds) {
      const endpoints = apps.get(applicationId);
      const profiles = new Map<string, EndpointRequest>();
      for (const endpointId of endpointIds) {
        const record = endpoints?.get(endpointId);
        if (record !== undefined) profiles.set(endpointId, storedEndpointOf(record).profile);
      }
      return profiles;
    },
    close() {
      apps.clear();
      storedBytes = 0;
    },
  };
}
