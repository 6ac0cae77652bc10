import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { mapLegacyRequest } from '../../src/mapping/map-legacy-request';

/** Mapped envelopes for `count` events of one device, through the real mapping. */
export function makeEnvelopes(count: number, options: { clientId?: string; appId?: string; receivedAt?: number; tag?: string } = {}): EventEnvelope[] {
  const clientId = options.clientId ?? 'device-1';
  const events = Array.from({ length: count }, (_, i) => ({
    eventType: i % 2 === 0 ? 'level_complete' : '_session.start',
    timestamp: new Date(Date.UTC(2026, 10, 22, 10, 0, 0, i)).toISOString(),
    session: { id: `s-${clientId}`, startTimestamp: '2026-11-22T09:59:00.000Z' },
    attributes: { level: String(i), tag: options.tag ?? 'x' },
    metrics: { score: i * 1.5 },
  }));
  return mapLegacyRequest(
    {
      clientContext: {
        client: { client_id: clientId, app_title: 'Game', app_package_name: 'com.example.game', app_version_name: '1.2', app_version_code: '12' },
        env: { platform: 'ANDROID', platform_version: '9', model: 'Pixel', make: 'Google', locale: 'en_US' },
        services: { mobile_analytics: { app_id: options.appId ?? 'app-1' } },
      },
      body: { events },
      sdk: { kind: 'android', name: 'aws-sdk-android', version: '2.2.5' },
      receivedAt: options.receivedAt ?? Date.UTC(2026, 10, 22, 10, 0, 1),
    },
    new Map(),
  ).envelopes;
}
