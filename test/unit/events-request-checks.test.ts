import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BadRequestError } from '../../src/errors';
import { createEventsRequestChecker } from '../../src/pinpoint-api/events-request-checks';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'pinpoint-requests');
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

const check = createEventsRequestChecker();

/** A one-endpoint request whose one event is `event` (merged over a minimal valid event). */
function withEvent(event: Record<string, unknown>, eventId = 'event-1'): unknown {
  return {
    BatchItem: {
      'endpoint-1': { Endpoint: {}, Events: { [eventId]: { EventType: 'custom', Timestamp: '2026-05-01T10:00:00Z', ...event } } },
    },
  };
}

/** `count` events named `e<i>` under one endpoint. */
function manyEvents(count: number, event: Record<string, unknown> = {}): Record<string, unknown> {
  const events = Object.fromEntries(Array.from({ length: count }, (_, i) => [`e${i}`, { EventType: 'custom', Timestamp: '2026-05-01T10:00:00Z', ...event }]));
  return { BatchItem: { 'endpoint-1': { Endpoint: {}, Events: events } } };
}

const names = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('createEventsRequestChecker: real request shapes', () => {
  it.each([
    ['aws-cli-put-events.json', 1],
    ['sdk-v3-put-events.json', 2],
    ['amplify-js-put-events.json', 3],
    ['android-pinpoint-manager-put-events.json', 3],
  ])('accepts every event of %s', (name, count) => {
    const body = fixture(name);
    const checked = check(body);
    expect(checked.refusals).toEqual([]);
    expect(checked.batches).toEqual((body as { BatchItem: unknown }).BatchItem);
    expect(Object.values(checked.batches).reduce((sum, batch) => sum + Object.keys(batch.Events).length, 0)).toBe(count);
  });

  it('accepts a full PinpointManager batch of 100 events', () => {
    expect(check(manyEvents(100)).refusals).toEqual([]);
  });
});

describe('createEventsRequestChecker: per-event refusals', () => {
  const stop = { Id: 's1', StartTimestamp: '2026-05-01T10:00:00Z', StopTimestamp: '2026-05-01T10:05:00Z' };
  const table: Array<[string, Record<string, unknown>, RegExp]> = [
    ['StopTimestamp without Duration', { Session: stop }, /^Session start and stop timestamp's exist but duration is null$/],
    ['a negative Duration', { Session: { ...stop, Duration: -1 } }, /Session\/Duration must be >= 0/],
    ['a Duration beyond a 32-bit int', { Session: { ...stop, Duration: 2 ** 31 } }, /Session\/Duration must be <= 2147483647/],
    ['an empty EventType', { EventType: '' }, /EventType must NOT have fewer than 1 characters/],
    ['an EventType of 51 characters', { EventType: 'x'.repeat(51) }, /EventType must be 1 to 50 characters; it has 51/],
    ['no Timestamp', { Timestamp: undefined }, /must have required property 'Timestamp'/],
    ['a Timestamp that is not ISO 8601', { Timestamp: '05/01/2026 10:00' }, /\/Timestamp must match pattern/],
    ['an epoch number as Timestamp', { Timestamp: 1777629600000 }, /\/Timestamp must be string/],
    ['30 February', { Timestamp: '2026-02-30T10:00:00Z' }, /^Timestamp is not a real date and time: 2026-02-30T10:00:00Z\.$/],
    ['hour 25 in the session start', { Session: { Id: 's1', StartTimestamp: '2026-05-01T25:00:00Z' } }, /^Session\.StartTimestamp is not a real date and time/],
    ['an attribute value of 201 characters', { Attributes: { a: 'x'.repeat(201) } }, /\/Attributes\/a must NOT have more than 200 characters/],
    ['an attribute name of 51 characters', { Attributes: { ['n'.repeat(51)]: 'v' } }, /^The event is invalid: \/Attributes property name "n{51}" must NOT have more than 50 characters\.$/],
    ['a metric that is not a number', { Metrics: { m: '3' } }, /\/Metrics\/m must be number/],
    [
      '41 attributes and metrics together',
      { Attributes: Object.fromEntries(names('a', 21).map((n) => [n, 'v'])), Metrics: Object.fromEntries(names('m', 20).map((n) => [n, 1])) },
      /^Number of attributes per event submitted should be less than 40\.$/,
    ],
    ['a property Pinpoint does not model', { Color: 'red' }, /^The event is invalid: \/ must NOT have additional properties \(Color\)\.$/],
    ['a Session without Id', { Session: { StartTimestamp: '2026-05-01T10:00:00Z' } }, /must have required property 'Id'/],
  ];

  it.each(table)('refuses %s, and only that event', (_name, event, message) => {
    const body = withEvent(event) as { BatchItem: Record<string, { Events: Record<string, unknown> }> };
    (body.BatchItem['endpoint-1'] as { Events: Record<string, unknown> }).Events['good'] = { EventType: 'ok', Timestamp: '2026-05-01T10:00:00Z' };
    const checked = check(body);
    expect(checked.refusals).toHaveLength(1);
    expect(checked.refusals[0]).toMatchObject({ endpointId: 'endpoint-1', eventId: 'event-1' });
    expect(checked.refusals[0]?.message).toMatch(message);
    expect(Object.keys(checked.batches['endpoint-1']?.Events ?? {})).toEqual(['good']);
  });

  it('accepts exactly 40 attributes and metrics, a Duration of 0 and an offset timestamp', () => {
    const event = {
      Attributes: Object.fromEntries(names('a', 20).map((n) => [n, 'v'])),
      Metrics: Object.fromEntries(names('m', 20).map((n) => [n, 1])),
      Timestamp: '2026-05-01T12:00:00.123456+02:00',
      Session: { Id: 's1', StartTimestamp: '2026-05-01T10:00:00Z', StopTimestamp: '2026-05-01T10:00:00Z', Duration: 0 },
    };
    expect(check(withEvent(event)).refusals).toEqual([]);
  });

  it('keeps an endpoint whose every event was refused, with no events', () => {
    const checked = check(withEvent({ EventType: '' }));
    expect(checked.batches).toEqual({ 'endpoint-1': { Endpoint: {}, Events: {} } });
  });

  it('keeps an event id such as __proto__ as an id', () => {
    const body = JSON.parse('{"BatchItem":{"ep":{"Endpoint":{},"Events":{"__proto__":{"EventType":"x","Timestamp":"2026-05-01T10:00:00Z"}}}}}') as unknown;
    const events = check(body).batches['ep']?.Events ?? {};
    expect(Object.keys(events)).toEqual(['__proto__']);
  });
});

describe('createEventsRequestChecker: requests refused whole', () => {
  const table: Array<[string, unknown, RegExp]> = [
    ['null', null, /not a valid EventsRequest: \/ must be object/],
    ['an array', [], /must be object/],
    ['a legacy Mobile Analytics body', { events: [] }, /must have required property 'BatchItem'/],
    ['an empty BatchItem', { BatchItem: {} }, /\/BatchItem must NOT have fewer than 1 properties/],
    ['a batch without Endpoint', { BatchItem: { ep: { Events: { e: {} } } } }, /\/BatchItem\/ep must have required property 'Endpoint'/],
    ['a batch with no events', { BatchItem: { ep: { Endpoint: {}, Events: {} } } }, /\/BatchItem\/ep\/Events must NOT have fewer than 1 properties/],
    ['an endpoint id with braces', { BatchItem: { 'ep-${x}': { Endpoint: {}, Events: { e: {} } } } }, /\/BatchItem property name "ep-\$\{x\}" must match pattern/],
    ['an unknown ChannelType', { BatchItem: { ep: { Endpoint: { ChannelType: 'PIGEON' }, Events: { e: {} } } } }, /ChannelType must be equal to one of the allowed values/],
    ['an event that is not an object', { BatchItem: { ep: { Endpoint: {}, Events: { e: 'click' } } } }, /\/BatchItem\/ep\/Events\/e must be object/],
    ['101 events in one batch', manyEvents(101), /\/BatchItem\/endpoint-1\/Events must NOT have more than 100 properties/],
  ];

  it.each(table)('refuses %s', (_name, body, message) => {
    expect(() => check(body)).toThrow(BadRequestError);
    expect(() => check(body)).toThrow(message);
  });

  it('counts events over all endpoints', () => {
    const events = (manyEvents(60) as { BatchItem: Record<string, unknown> }).BatchItem['endpoint-1'];
    expect(() => check({ BatchItem: { a: events, b: events } })).toThrow(/carries 120/);
  });
});
