import type { EndpointRequest } from '@aws-sdk/client-pinpoint';
import { mergeEndpoint } from '../mapping/merge-endpoint';
import { parseLegacyTimestamp } from '../mapping/timestamp';
import type { StoredEndpoint } from './endpoint-profile-store';
import { EndpointStoreFullError } from './endpoint-store-full-error';

/**
 * One endpoint's profile as every store keeps it. The profile is kept as JSON text, so what a
 * store hands out is always a fresh copy and what it counts is what it holds.
 */
export interface ProfileRecord {
  json: string;
  /** Unix ms of the profile's `EffectiveDate`, which a later `put` is compared with. */
  effectiveMs: number;
  createdAt: number;
  updatedAt: number;
  /** What the record counts toward the store's byte bound (`recordBytes`). */
  bytes: number;
}

/** What a `put` does: keep the stored record, or store `record`, which changes the total by `growth` bytes. */
export type UpdatePlan = { outcome: 'older-kept' } | { outcome: 'stored'; record: ProfileRecord; growth: number };

/** The store's byte total and its bound, at the moment of a `put`. */
export interface StoreRoom {
  storedBytes: number;
  maxBytes: number;
}

/**
 * The bytes a record counts toward the bound: its ids and its profile JSON, in UTF-8. This is
 * what the store holds, not the database file's size, which adds SQLite's per-row and per-page
 * overhead; both stores count the same way, so the bound means the same in both.
 */
export function recordBytes(applicationId: string, endpointId: string, json: string): number {
  return Buffer.byteLength(applicationId) + Buffer.byteLength(endpointId) + Buffer.byteLength(json);
}

/** Unix ms of a request's `EffectiveDate` (checked already), or `receivedAt` when it has none. */
function effectiveMsOf(request: EndpointRequest, receivedAt: number): number {
  if (request.EffectiveDate === undefined) return receivedAt;
  const ms = parseLegacyTimestamp(request.EffectiveDate);
  if (Number.isNaN(ms)) throw new Error(`unchecked EffectiveDate '${request.EffectiveDate}'`);
  return ms;
}

/**
 * What a `put` of `request` over `stored` does, the one definition both stores follow:
 * - the latest `EffectiveDate` wins, a request without one taking `receivedAt`; instants are
 *   compared, not texts (`…T01:00:00+01:00` is `…T00:00:00Z`);
 * - an older request leaves the stored profile as it is (`older-kept`), whatever the room;
 * - a newer or equally recent one (the later call wins a tie) is laid over the stored profile by
 *   `mergeEndpoint`, and the profile's `EffectiveDate` becomes the winner's, as an ISO instant;
 * - a stored record that grows the total past `maxBytes` throws an `EndpointStoreFullError`; one
 *   that shrinks it or keeps its size is stored even when the store is over its bound (a lower
 *   limit set since), so a full store still takes updates of the profiles it holds.
 */
export function planEndpointUpdate(
  applicationId: string,
  endpointId: string,
  stored: ProfileRecord | undefined,
  request: EndpointRequest,
  receivedAt: number,
  room: StoreRoom,
): UpdatePlan {
  const effectiveMs = effectiveMsOf(request, receivedAt);
  if (stored !== undefined && effectiveMs < stored.effectiveMs) return { outcome: 'older-kept' };
  const storedProfile = stored === undefined ? undefined : (JSON.parse(stored.json) as EndpointRequest);
  const profile: EndpointRequest = { ...mergeEndpoint(storedProfile, request), EffectiveDate: new Date(effectiveMs).toISOString() };
  const json = JSON.stringify(profile);
  const bytes = recordBytes(applicationId, endpointId, json);
  const growth = bytes - (stored?.bytes ?? 0);
  if (growth > 0 && room.storedBytes + growth > room.maxBytes) throw new EndpointStoreFullError(room.maxBytes);
  return { outcome: 'stored', record: { json, effectiveMs, createdAt: stored?.createdAt ?? receivedAt, updatedAt: receivedAt, bytes }, growth };
}

/** A record as the store's readers see it. */
export function storedEndpointOf(record: ProfileRecord): StoredEndpoint {
  return { profile: JSON.parse(record.json) as EndpointRequest, createdAt: record.createdAt, updatedAt: record.updatedAt };
}
