import path from 'node:path';
import type { EndpointRequest } from '@aws-sdk/client-pinpoint';
import { openDatabaseFile } from '../sqlite-file';
import type { EndpointProfileStore, PutOutcome } from './endpoint-profile-store';
import { planEndpointUpdate, storedEndpointOf, type ProfileRecord } from './endpoint-update';

/** The endpoint profile database file inside `DATA_DIR`. */
export function endpointStorePath(dataDir: string): string {
  return path.join(dataDir, 'endpoints.db');
}

/**
 * `endpoint_profiles`: one row per (application, endpoint), the merged profile as JSON, its
 * EffectiveDate in Unix ms (what a later UpdateEndpoint is compared with), the store's own dates,
 * and the bytes the row counts toward `ENDPOINT_STORE_MAX_BYTES` (`recordBytes`).
 * `endpoint_totals`: one row, the sum of `bytes`, changed in the same transaction as the row it
 * counts, so the bound is checked without a scan and stays exact with any number of connections.
 * A rowid table, not WITHOUT ROWID: profiles of several KB are large rows.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS endpoint_profiles (
  application_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  profile TEXT NOT NULL,
  effective_ms INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  PRIMARY KEY (application_id, endpoint_id)
);
CREATE TABLE IF NOT EXISTS endpoint_totals (
  only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
  stored_bytes INTEGER NOT NULL
);
INSERT OR IGNORE INTO endpoint_totals (only_row, stored_bytes) VALUES (1, 0);
`;

/**
 * Opens (creating if needed, with its directory) the endpoint profile store in `file`: WAL, and
 * `synchronous = FULL`, so a `put` that returned is on disk (the UpdateEndpoint's 202 follows it,
 * and Amplify JS never sends that profile again). Profiles change rarely (an app start, a sign-in),
 * so the fsync per `put` is cheap in total. A file that cannot be opened or is not a database is
 * thrown as one `StorageOpenError` naming the file and the cause.
 */
export function openSqliteEndpointProfileStore(file: string, options: { maxBytes: number }): EndpointProfileStore {
  const db = openDatabaseFile(file, {
    kind: 'endpoint store',
    schema: SCHEMA,
    readonly: false,
    setUp: (connection) => {
      connection.pragma('busy_timeout = 5000');
      connection.pragma('journal_mode = WAL');
      connection.pragma('synchronous = FULL');
      connection.exec(SCHEMA);
    },
  });
  const selectRecord = db.prepare<[string, string], ProfileRecord>(
    'SELECT profile AS json, effective_ms AS effectiveMs, created_ms AS createdAt, updated_ms AS updatedAt, bytes FROM endpoint_profiles WHERE application_id = ? AND endpoint_id = ?',
  );
  const selectProfile = db.prepare<[string, string], string>('SELECT profile FROM endpoint_profiles WHERE application_id = ? AND endpoint_id = ?').pluck();
  const selectStoredBytes = db.prepare<[], number>('SELECT stored_bytes FROM endpoint_totals WHERE only_row = 1').pluck();
  const upsert = db.prepare<[string, string, string, number, number, number, number]>(
    `INSERT INTO endpoint_profiles (application_id, endpoint_id, profile, effective_ms, created_ms, updated_ms, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (application_id, endpoint_id) DO UPDATE SET
       profile = excluded.profile, effective_ms = excluded.effective_ms, updated_ms = excluded.updated_ms, bytes = excluded.bytes`,
  );
  const addToStoredBytes = db.prepare<[number]>('UPDATE endpoint_totals SET stored_bytes = stored_bytes + ? WHERE only_row = 1');

  // IMMEDIATE: the row and the total are read, then written; another connection may not write between.
  const put = db.transaction((applicationId: string, endpointId: string, request: EndpointRequest, receivedAt: number): PutOutcome => {
    const stored = selectRecord.get(applicationId, endpointId);
    const storedBytes = selectStoredBytes.get() ?? 0;
    const plan = planEndpointUpdate(applicationId, endpointId, stored, request, receivedAt, { storedBytes, maxBytes: options.maxBytes });
    if (plan.outcome === 'older-kept') return plan.outcome;
    const { json, effectiveMs, createdAt, updatedAt, bytes } = plan.record;
    upsert.run(applicationId, endpointId, json, effectiveMs, createdAt, updatedAt, bytes);
    addToStoredBytes.run(plan.growth);
    return plan.outcome;
  });
  // One read transaction: the profiles of one PutEvents request come from one snapshot.
  const getMany = db.transaction((applicationId: string, endpointIds: readonly string[]): Map<string, EndpointRequest> => {
    const profiles = new Map<string, EndpointRequest>();
    for (const endpointId of endpointIds) {
      const json = selectProfile.get(applicationId, endpointId);
      if (json !== undefined) profiles.set(endpointId, JSON.parse(json) as EndpointRequest);
    }
    return profiles;
  });

  return {
    put: (applicationId, endpointId, request, receivedAt) => put.immediate(applicationId, endpointId, request, receivedAt),
    get(applicationId, endpointId) {
      const record = selectRecord.get(applicationId, endpointId);
      return record === undefined ? undefined : storedEndpointOf(record);
    },
    getMany: (applicationId, endpointIds) => getMany(applicationId, endpointIds),
    close: () => db.close(),
  };
}
