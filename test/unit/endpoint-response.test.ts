import type { EndpointResponse } from '@aws-sdk/client-pinpoint';
import type { StoredEndpoint } from '../../src/endpoint-profiles/endpoint-profile-store';
import { cohortOf, toEndpointResponse } from '../../src/pinpoint-api/endpoint-response';

const CREATED = Date.parse('2026-04-30T08:00:00.000Z');

const FULL: StoredEndpoint = {
  profile: {
    Address: 'fcm-registration-token',
    Attributes: { interests: ['music', 'travel'] },
    ChannelType: 'GCM',
    Demographic: { AppVersion: '1.1.0', Locale: 'en_US', Platform: 'android', Timezone: 'Europe/Paris' },
    EffectiveDate: '2026-05-01T10:05:00.000Z',
    EndpointStatus: 'ACTIVE',
    Location: { City: 'Lyon', Country: 'FR', Latitude: 45.76, Longitude: 4.84 },
    Metrics: { purchases: 3 },
    OptOut: 'NONE',
    RequestId: 'req-2',
    User: { UserId: 'user-1', UserAttributes: { tier: ['gold'] } },
  },
  createdAt: CREATED,
  updatedAt: Date.parse('2026-05-01T10:05:02.000Z'),
};

describe('toEndpointResponse', () => {
  it.each<[string, string, string, StoredEndpoint, EndpointResponse]>([
    [
      'a full profile: every field as merged, with the ids, the cohort and the creation date',
      'app-1',
      'device-1',
      FULL,
      { ...FULL.profile, ApplicationId: 'app-1', Id: 'device-1', CohortId: '45', CreationDate: '2026-04-30T08:00:00.000Z' },
    ],
    [
      'a bare profile: nothing the endpoint never sent',
      'app-1',
      '6a1c8f0e-2b7d-4c55-9e3a-0f4b1d2c3e4f',
      { profile: { EffectiveDate: '2026-05-01T10:00:00.000Z' }, createdAt: CREATED, updatedAt: CREATED },
      { EffectiveDate: '2026-05-01T10:00:00.000Z', ApplicationId: 'app-1', Id: '6a1c8f0e-2b7d-4c55-9e3a-0f4b1d2c3e4f', CohortId: '33', CreationDate: '2026-04-30T08:00:00.000Z' },
    ],
    [
      'an id such as __proto__',
      'app-2',
      '__proto__',
      { profile: { EffectiveDate: '2026-05-01T10:00:00.000Z' }, createdAt: CREATED, updatedAt: CREATED },
      { EffectiveDate: '2026-05-01T10:00:00.000Z', ApplicationId: 'app-2', Id: '__proto__', CohortId: '60', CreationDate: '2026-04-30T08:00:00.000Z' },
    ],
  ])('%s', (_label, applicationId, endpointId, stored, expected) => {
    const response = toEndpointResponse(applicationId, endpointId, stored);
    expect(response).toEqual(expected);
    // The JSON the SDKs parse: absent members left out, not null.
    expect(Object.keys(JSON.parse(JSON.stringify(response)) as object).sort()).toEqual(Object.keys(expected).sort());
  });
});

describe('cohortOf', () => {
  it('is the same for an endpoint on every call and every release (pinned values)', () => {
    expect(['device-1', '__proto__', '6a1c8f0e-2b7d-4c55-9e3a-0f4b1d2c3e4f', ''].map(cohortOf)).toEqual(['45', '60', '33', '10']);
  });

  it('spreads endpoints over the 100 cohorts evenly', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i += 1) {
      const cohort = cohortOf(`endpoint-${i}`);
      counts.set(cohort, (counts.get(cohort) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
    // 200 expected in each; a fair split stays well within ±30 % at this size.
    for (const count of counts.values()) expect(Math.abs(count - 200)).toBeLessThan(60);
  });
});
