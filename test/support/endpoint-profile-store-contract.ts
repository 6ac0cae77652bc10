import type { EndpointRequest } from '@aws-sdk/client-pinpoint';
import type { EndpointProfileStore } from '../../src/endpoint-profiles/endpoint-profile-store';
import { EndpointStoreFullError } from '../../src/endpoint-profiles/endpoint-store-full-error';
import { recordBytes } from '../../src/endpoint-profiles/endpoint-update';
import { RetryLaterError } from '../../src/errors';

const APP = 'app-1';
const T0 = Date.parse('2026-05-01T10:00:00.000Z');
const MINUTE = 60_000;

/** What Amplify JS sends on start: the whole profile, EffectiveDate the device's clock. */
export const AMPLIFY_PROFILE: EndpointRequest = {
  RequestId: '6a1c8f0e-2b7d-4c55-9e3a-0f4b1d2c3e4f',
  EffectiveDate: '2026-05-01T10:00:00.000Z',
  ChannelType: 'IN_APP',
  Attributes: { plan: ['free'], interests: ['music', 'travel'] },
  Demographic: { AppVersion: '1.0.0', Locale: 'en-US', Make: 'Google', Model: 'Chrome', ModelVersion: '124', Platform: 'web', Timezone: 'Europe/Paris' },
  Location: { Country: 'FR', City: 'Lyon' },
  Metrics: { launches: 1 },
  OptOut: 'ALL',
  User: { UserId: 'user-1', UserAttributes: { tier: ['gold'] } },
};

/** A request with only an EffectiveDate (ISO, ms) and one attribute whose value is `value`. */
function attributeUpdate(at: number, value: string): EndpointRequest {
  return { EffectiveDate: new Date(at).toISOString(), Attributes: { a: [value] } };
}

/** The bytes a profile counts toward the bound once stored as `id` in `APP` (its JSON, the ids). */
function bytesOf(endpointId: string, profile: EndpointRequest): number {
  return recordBytes(APP, endpointId, JSON.stringify(profile));
}

/** The error `act` throws, or a failure when it throws none. */
function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (err: unknown) {
    return err;
  }
  throw new Error('expected a throw');
}

/**
 * The behaviour every EndpointProfileStore must show. `open` gives a new, empty store with the
 * given byte bound; the contract closes every store it opened after each test.
 */
export function describeEndpointProfileStoreContract(name: string, open: (maxBytes: number) => EndpointProfileStore): void {
  describe(`${name}: EndpointProfileStore contract`, () => {
    const opened: EndpointProfileStore[] = [];
    const make = (maxBytes = 1024 ** 3): EndpointProfileStore => {
      const store = open(maxBytes);
      opened.push(store);
      return store;
    };

    afterEach(() => {
      for (const store of opened.splice(0)) store.close();
    });

    it('knows no endpoint it was never given', () => {
      const store = make();
      expect(store.get(APP, 'device-1')).toBeUndefined();
      expect(store.getMany(APP, ['device-1', 'device-2'])).toEqual(new Map());
    });

    it('stores a first profile as sent, with its EffectiveDate as an ISO instant and the call as its dates', () => {
      const store = make();
      const sent = { ...AMPLIFY_PROFILE, EffectiveDate: '2026-05-01T12:00:00+02:00' };
      expect(store.put(APP, 'device-1', sent, T0 + 5)).toBe('stored');
      expect(store.get(APP, 'device-1')).toEqual({ profile: AMPLIFY_PROFILE, createdAt: T0 + 5, updatedAt: T0 + 5 });
      expect(store.getMany(APP, ['device-1'])).toEqual(new Map([['device-1', AMPLIFY_PROFILE]]));
    });

    it('gives a request without EffectiveDate the time it was received', () => {
      const store = make();
      store.put(APP, 'device-1', { Address: 'token' }, T0);
      expect(store.get(APP, 'device-1')?.profile).toEqual({ Address: 'token', EffectiveDate: '2026-05-01T10:00:00.000Z' });
    });

    it('lays a newer request over the stored profile, field by field, keeping the first date', () => {
      const store = make();
      store.put(APP, 'device-1', AMPLIFY_PROFILE, T0);
      const update: EndpointRequest = {
        EffectiveDate: '2026-05-01T10:05:00.000Z',
        Attributes: { plan: ['paid'] },
        Demographic: { AppVersion: '1.1.0' },
        User: { UserAttributes: { tier: ['platinum'] } },
      };
      expect(store.put(APP, 'device-1', update, T0 + 5 * MINUTE)).toBe('stored');
      expect(store.get(APP, 'device-1')).toEqual({
        profile: {
          ...AMPLIFY_PROFILE,
          EffectiveDate: '2026-05-01T10:05:00.000Z',
          Attributes: { plan: ['paid'], interests: ['music', 'travel'] },
          Demographic: { ...AMPLIFY_PROFILE.Demographic, AppVersion: '1.1.0' },
          User: { UserId: 'user-1', UserAttributes: { tier: ['platinum'] } },
        },
        createdAt: T0,
        updatedAt: T0 + 5 * MINUTE,
      });
    });

    it('keeps the stored profile when a request is older (a late retry), whatever it says', () => {
      const store = make();
      store.put(APP, 'device-1', attributeUpdate(T0, 'new'), T0);
      const before = store.get(APP, 'device-1');
      expect(store.put(APP, 'device-1', attributeUpdate(T0 - 1, 'old'), T0 + MINUTE)).toBe('older-kept');
      expect(store.get(APP, 'device-1')).toEqual(before);
    });

    it('lets the later of two calls with the same EffectiveDate win', () => {
      const store = make();
      store.put(APP, 'device-1', attributeUpdate(T0, 'first'), T0);
      expect(store.put(APP, 'device-1', attributeUpdate(T0, 'second'), T0 + 1)).toBe('stored');
      expect(store.get(APP, 'device-1')).toEqual({ profile: attributeUpdate(T0, 'second'), createdAt: T0, updatedAt: T0 + 1 });
    });

    it('compares instants, not texts: 11:30+02:00 is older than 10:00Z', () => {
      const store = make();
      store.put(APP, 'device-1', attributeUpdate(T0, 'utc'), T0);
      expect(store.put(APP, 'device-1', { EffectiveDate: '2026-05-01T11:30:00+02:00', Attributes: { a: ['paris'] } }, T0)).toBe('older-kept');
      expect(store.get(APP, 'device-1')?.profile.Attributes).toEqual({ a: ['utc'] });
    });

    it('counts a request without EffectiveDate at its arrival: older than a profile dated later', () => {
      const store = make();
      store.put(APP, 'device-1', attributeUpdate(T0 + MINUTE, 'dated'), T0);
      expect(store.put(APP, 'device-1', { Attributes: { a: ['undated'] } }, T0 + 1)).toBe('older-kept');
      expect(store.put(APP, 'device-1', { Attributes: { a: ['undated'] } }, T0 + 2 * MINUTE)).toBe('stored');
      expect(store.get(APP, 'device-1')?.profile).toEqual(attributeUpdate(T0 + 2 * MINUTE, 'undated'));
    });

    it('keeps applications apart', () => {
      const store = make();
      store.put('app-a', 'device-1', attributeUpdate(T0, 'a'), T0);
      store.put('app-b', 'device-1', attributeUpdate(T0 - MINUTE, 'b'), T0);
      expect(store.get('app-a', 'device-1')?.profile.Attributes).toEqual({ a: ['a'] });
      expect(store.get('app-b', 'device-1')?.profile.Attributes).toEqual({ a: ['b'] });
      expect(store.getMany('app-c', ['device-1'])).toEqual(new Map());
    });

    it('answers getMany with the stored profiles of the ids asked for, 100 at a time', () => {
      const store = make();
      const ids = Array.from({ length: 100 }, (_, i) => `device-${i}`);
      ids.filter((_, i) => i % 2 === 0).forEach((id, i) => store.put(APP, id, attributeUpdate(T0, String(i)), T0));
      const profiles = store.getMany(APP, ids);
      expect([...profiles.keys()]).toEqual(ids.filter((_, i) => i % 2 === 0));
      expect(profiles.get('device-98')).toEqual(attributeUpdate(T0, '49'));
    });

    it('treats ids and attribute names such as __proto__ as data', () => {
      const store = make();
      const attributes = JSON.parse('{"__proto__":["x"],"constructor":["y"]}') as Record<string, string[]>;
      for (const id of ['__proto__', 'constructor', 'hasOwnProperty']) {
        expect(store.put(APP, id, { EffectiveDate: '2026-05-01T10:00:00.000Z', Attributes: attributes }, T0)).toBe('stored');
      }
      const stored = store.get(APP, '__proto__')?.profile.Attributes;
      expect(Object.keys(stored ?? {})).toEqual(['__proto__', 'constructor']);
      expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).toEqual(['x']);
      expect([...store.getMany(APP, ['__proto__', 'toString', 'constructor']).keys()]).toEqual(['__proto__', 'constructor']);
      expect(store.get('__proto__', '__proto__')).toBeUndefined();
    });

    it('hands out copies: changing a request after put, or a profile read, changes nothing stored', () => {
      const store = make();
      const sent = structuredClone(AMPLIFY_PROFILE);
      store.put(APP, 'device-1', sent, T0);
      (sent.Attributes as Record<string, string[]>)['plan'] = ['changed'];
      const read = store.get(APP, 'device-1');
      (read?.profile.Attributes as Record<string, string[]>)['plan']?.push('changed');
      (store.getMany(APP, ['device-1']).get('device-1') as EndpointRequest).Address = 'changed';
      expect(store.get(APP, 'device-1')?.profile).toEqual(AMPLIFY_PROFILE);
    });

    describe('the byte bound', () => {
      const a = attributeUpdate(T0, 'a'.repeat(100));
      const b = attributeUpdate(T0, 'b'.repeat(50));

      it('takes profiles up to the bound exactly, then refuses a new one with "retry later" (endpoint_store_full)', () => {
        const store = make(bytesOf('device-a', a) + bytesOf('device-b', b));
        expect(store.put(APP, 'device-a', a, T0)).toBe('stored');
        expect(store.put(APP, 'device-b', b, T0)).toBe('stored');
        const refused = thrownBy(() => store.put(APP, 'device-c', attributeUpdate(T0, 'c'), T0));
        expect(refused).toBeInstanceOf(EndpointStoreFullError);
        expect(refused).toBeInstanceOf(RetryLaterError);
        expect(refused).toMatchObject({ status: 503, reason: 'endpoint_store_full', message: expect.stringMatching(/full.*retry later/) });
        expect(store.get(APP, 'device-c')).toBeUndefined();
        expect(store.getMany(APP, ['device-a', 'device-b'])).toEqual(new Map([['device-a', a], ['device-b', b]]));
      });

      it('when full, stores an update that keeps or shrinks a profile, refuses one that grows it, and gives freed bytes back', () => {
        const store = make(bytesOf('device-a', a));
        store.put(APP, 'device-a', a, T0);
        const same = attributeUpdate(T0 + 1, 'z'.repeat(100));
        expect(store.put(APP, 'device-a', same, T0 + 1)).toBe('stored');
        expect(thrownBy(() => store.put(APP, 'device-a', attributeUpdate(T0 + 2, 'z'.repeat(101)), T0 + 2))).toBeInstanceOf(EndpointStoreFullError);
        expect(store.get(APP, 'device-a')?.profile).toEqual(same);
        expect(store.put(APP, 'device-a', attributeUpdate(T0 + 3, 'z'.repeat(90)), T0 + 3)).toBe('stored');
        // The 10 bytes the shrink freed are room again, for this profile or another.
        expect(thrownBy(() => store.put(APP, 'device-a', attributeUpdate(T0 + 4, 'z'.repeat(101)), T0 + 4))).toBeInstanceOf(EndpointStoreFullError);
        expect(store.put(APP, 'device-a', attributeUpdate(T0 + 5, 'z'.repeat(100)), T0 + 5)).toBe('stored');
      });

      it('answers an older request to a full store "older-kept", not "retry later"', () => {
        const store = make(bytesOf('device-a', a));
        store.put(APP, 'device-a', a, T0);
        expect(store.put(APP, 'device-a', attributeUpdate(T0 - 1, 'a'.repeat(500)), T0)).toBe('older-kept');
      });
    });
  });
}
