import type { PublicEndpoint } from '@aws-sdk/client-pinpoint';
import { mergeEndpoint, type StoredEndpointProfile } from '../../src/mapping/merge-endpoint';

const stored: StoredEndpointProfile = {
  Address: 'old-token',
  ChannelType: 'GCM',
  OptOut: 'ALL',
  EffectiveDate: '2026-11-01T00:00:00.000Z',
  Demographic: { Make: 'samsung', Model: 'SM-G900F', Timezone: 'Europe/Paris' },
  Location: { City: 'Paris', Country: 'FR' },
  Attributes: { Plan: ['free'], Interests: ['chess'] },
  Metrics: { launches: 3 },
  User: { UserId: 'user-1', UserAttributes: { Tier: ['silver'], Team: ['red'] } },
};

describe('mergeEndpoint', () => {
  it('lays the sent Endpoint over the stored profile field by field, member by member and key by key', () => {
    const sent: PublicEndpoint = {
      Address: 'new-token',
      OptOut: 'NONE',
      Demographic: { Timezone: 'Europe/Berlin', Locale: 'de_DE' },
      Location: { City: 'Berlin' },
      Attributes: { Plan: ['premium'] },
      Metrics: { launches: 4, crashes: 0 },
      User: { UserAttributes: { Tier: ['gold'] } },
    };
    expect(mergeEndpoint(stored, sent)).toEqual({
      Address: 'new-token',
      ChannelType: 'GCM',
      OptOut: 'NONE',
      EffectiveDate: '2026-11-01T00:00:00.000Z',
      Demographic: { Make: 'samsung', Model: 'SM-G900F', Timezone: 'Europe/Berlin', Locale: 'de_DE' },
      Location: { City: 'Berlin', Country: 'FR' },
      Attributes: { Plan: ['premium'], Interests: ['chess'] },
      Metrics: { launches: 4, crashes: 0 },
      User: { UserId: 'user-1', UserAttributes: { Tier: ['gold'], Team: ['red'] } },
    });
  });

  it('keeps the stored profile for a bare Endpoint, and the sent one without a profile', () => {
    expect(mergeEndpoint(stored, {})).toEqual(stored);
    const sent: PublicEndpoint = { ChannelType: 'APNS', User: { UserId: 'u' } };
    expect(mergeEndpoint(undefined, sent)).toEqual(sent);
  });

  it('leaves out empty objects and does not modify its inputs', () => {
    const copy = JSON.parse(JSON.stringify(stored)) as StoredEndpointProfile;
    expect(mergeEndpoint(undefined, { Demographic: {}, Location: {}, Attributes: {}, Metrics: {}, User: { UserAttributes: {} } })).toEqual({});
    mergeEndpoint(stored, { Attributes: { Plan: ['x'] } });
    expect(stored).toEqual(copy);
  });
});
