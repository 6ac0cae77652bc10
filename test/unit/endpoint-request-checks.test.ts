import { BadRequestError } from '../../src/errors';
import { createEndpointRequestChecker } from '../../src/pinpoint-api/endpoint-request-checks';

const check = createEndpointRequestChecker();

/** What Amplify JS v6 sends to UpdateEndpoint when an app starts. */
const AMPLIFY_JS = {
  RequestId: '6a1c8f0e-2b7d-4c55-9e3a-0f4b1d2c3e4f',
  EffectiveDate: '2026-05-01T10:00:00.000Z',
  ChannelType: 'IN_APP',
  Demographic: { AppVersion: '1.0.0', Locale: 'en-US', Make: 'Google', Model: 'Chrome', ModelVersion: '124.0.0.0', Platform: 'web', PlatformVersion: 'undefined' },
  Location: {},
  Attributes: {},
  Metrics: {},
  User: { UserId: 'eu-west-1:0c3b8d9a-5f1e-4a7c-b2d4-6e8f0a1b2c3d', UserAttributes: {} },
};

/** An AWS SDK caller registering a push token with its own attributes. */
const SDK_PUSH = {
  Address: 'fcm-registration-token',
  ChannelType: 'GCM',
  EndpointStatus: 'ACTIVE',
  OptOut: 'NONE',
  EffectiveDate: '2026-05-01T12:00:00.123456789+02:00',
  Attributes: { interests: ['music', 'travel'] },
  Metrics: { purchases: 3, score: 0.5 },
  Location: { City: 'Lyon', Country: 'FRA', Latitude: 45.76, Longitude: 4.84, PostalCode: '69001', Region: 'ARA' },
  User: { UserId: 'user-1', UserAttributes: { tier: ['gold'] } },
};

/** The BadRequestError `check(body)` throws, or a failure when it throws none. */
function refusal(body: unknown): BadRequestError {
  try {
    check(body);
  } catch (err: unknown) {
    if (err instanceof BadRequestError) return err;
    throw err;
  }
  throw new Error(`check(${JSON.stringify(body)}) did not throw`);
}

const values = (count: number, length = 1): string[] => Array.from({ length: count }, () => 'v'.repeat(length));
const attributes = (count: number): Record<string, string[]> => Object.fromEntries(Array.from({ length: count }, (_, i) => [`a${i}`, ['v']]));

describe('createEndpointRequestChecker: what clients send', () => {
  it.each<[string, Record<string, unknown>]>([
    ['Amplify JS v6 on start', AMPLIFY_JS],
    ['an AWS SDK registering a push token', SDK_PUSH],
    ['an empty request (the model requires no member)', {}],
    ['the documented limits, each at its edge', { Attributes: { [`${'n'.repeat(50)}`]: values(50, 100), ...attributes(249) }, Location: { Latitude: -90, Longitude: 180 } }],
  ])('accepts %s, as it is', (_label, body) => {
    expect(check(body)).toBe(body);
  });
});

describe('createEndpointRequestChecker: refusals a caller can act on', () => {
  it.each<[string, unknown, RegExp]>([
    ['a body that is not an object', ['x'], /^The body is not a valid EndpointRequest: \/ must be object\.$/],
    ['an unknown member', { ...AMPLIFY_JS, Channel: 'IN_APP' }, /: \/ must NOT have additional properties \(Channel\)\.$/],
    ['an unknown Demographic member', { Demographic: { OS: 'web' } }, /: \/Demographic must NOT have additional properties \(OS\)\.$/],
    ['a ChannelType outside the model', { ChannelType: 'WEB' }, /: \/ChannelType must be equal to one of the allowed values\.$/],
    ['an attribute that is a string, not a list', { Attributes: { plan: 'free' } }, /: \/Attributes\/plan must be array\.$/],
    ['51 values in one attribute', { Attributes: { plan: values(51) } }, /: \/Attributes\/plan must NOT have more than 50 items\.$/],
    ['an attribute value of 101 characters', { Attributes: { plan: ['v'.repeat(101)] } }, /: \/Attributes\/plan\/0 must NOT have more than 100 characters\.$/],
    ['251 attributes', { Attributes: attributes(251) }, /: \/Attributes must NOT have more than 250 properties\.$/],
    ['an attribute name of 51 characters', { Attributes: { ['n'.repeat(51)]: ['v'] } }, /: \/Attributes property name "n{51}" must NOT have more than 50 characters\.$/],
    ['an empty user attribute name', { User: { UserAttributes: { '': ['v'] } } }, /: \/User\/UserAttributes property name "" must NOT have fewer than 1 characters\.$/],
    ['a metric that is not a number', { Metrics: { score: '3' } }, /: \/Metrics\/score must be number\.$/],
    ['a latitude beyond the pole', { Location: { Latitude: 90.5 } }, /: \/Location\/Latitude must be <= 90\.$/],
    ['a Model of 101 characters', { Demographic: { Model: 'm'.repeat(101) } }, /: \/Demographic\/Model must NOT have more than 100 characters\.$/],
    ['an EffectiveDate without a time', { EffectiveDate: '2026-05-01' }, /: \/EffectiveDate must match pattern/],
    ['an EffectiveDate in epoch ms', { EffectiveDate: 1777629600000 }, /: \/EffectiveDate must be string\.$/],
    ['an EffectiveDate on 30 February', { EffectiveDate: '2026-02-30T10:00:00Z' }, /^EffectiveDate is not a real date and time: 2026-02-30T10:00:00Z\.$/],
    ['an EffectiveDate at 24:00', { EffectiveDate: '2026-05-01T24:00:00Z' }, /^EffectiveDate is not a real date and time: 2026-05-01T24:00:00Z\.$/],
  ])('refuses %s', (_label, body, message) => {
    const error = refusal(body);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });
});
