import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { kpiEventFromRecord, PURCHASE, SESSION_STOP } from '../../src/kpis/kpi-event';
import type { StoredEvent } from '../../src/local-store/event-store';
import { storedEventFromRecord } from '../../src/local-store/stored-event';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import type { OracleEvent } from './kpi-oracle';

const DAY_MS = 86_400_000;

/** An event as a KPI test describes it: who, what, which day, and the few facts KPIs read. */
export interface KpiEventSpec {
  eventId: string;
  appId: string;
  clientId: string;
  eventType: string;
  day: number;
  /** Milliseconds into the day (default noon). */
  at?: number;
  metrics?: Record<string, number>;
  /** Purchases: the `_currency` attribute. */
  currency?: string;
  /** `_session.stop`: the session's length. */
  sessionLengthMs?: number;
}

/** The event-stream record of a spec, as the local sink or an import would store it. */
export function recordOf(spec: KpiEventSpec): EventStreamRecord {
  const timestamp = spec.day * DAY_MS + (spec.at ?? DAY_MS / 2);
  const record: EventStreamRecord = {
    event_type: spec.eventType,
    event_timestamp: timestamp,
    arrival_timestamp: timestamp + 1000,
    event_version: '3.0',
    event_id: spec.eventId,
    application: { app_id: spec.appId },
    client: { client_id: spec.clientId },
    device: {},
    attributes: spec.eventType === PURCHASE && spec.currency !== undefined ? { _currency: spec.currency } : {},
    metrics: spec.metrics ?? {},
  };
  if (spec.eventType === SESSION_STOP && spec.sessionLengthMs !== undefined) {
    record.session = { session_id: `s-${spec.eventId}`, start_timestamp: timestamp - spec.sessionLengthMs, stop_timestamp: timestamp };
  }
  return record;
}

/** The local store's row of a spec. */
export function storedEventOf(spec: KpiEventSpec): StoredEvent {
  const record = recordOf(spec);
  return storedEventFromRecord(record, JSON.stringify(record), spec.eventId);
}

/** A spec as the oracle takes it: the same facts the store derives from its record. */
export function oracleEventOf(spec: KpiEventSpec): OracleEvent {
  const { recordJson: _recordJson, sessionId: _sessionId, eventTimestamp: _e, arrivalTimestamp: _a, ...facts } = storedEventOf(spec);
  return facts;
}

/** Every file of an export directory, in name order (hidden ones are not part of it). */
function exportFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .flatMap((name) => {
      const file = path.join(dir, name);
      return statSync(file).isDirectory() ? exportFiles(file) : [file];
    });
}

/**
 * The events of an export directory as the KPI oracle takes them, read plainly, without the
 * importer: gunzipped when gzip, objects split at newlines and at `}{`, lines that do not parse
 * and records without a client left out, metric values that are not numbers dropped (as
 * documented for the import). A record's own text is its id when it has no `event_id`, so a
 * byte-identical redelivery counts once.
 */
export function oracleEventsOfExport(dir: string): OracleEvent[] {
  return exportFiles(dir).flatMap((file) => {
    const bytes = readFileSync(file);
    const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
    return text
      .replaceAll('}{', '}\n{')
      .split('\n')
      .flatMap((line) => {
        try {
          const record = JSON.parse(line) as Partial<EventStreamRecord> & Omit<EventStreamRecord, 'client' | 'metrics'>;
          if (record.client === undefined) return [];
          const metrics = Object.fromEntries(Object.entries(record.metrics ?? {}).filter(([, value]) => typeof value === 'number'));
          return [{ ...kpiEventFromRecord({ ...record, client: record.client, metrics }), eventId: record.event_id ?? line }];
        } catch {
          return [];
        }
      });
  });
}
