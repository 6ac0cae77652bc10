import { checkRecord, type CheckedRecord } from '../../src/import/import-record';
import { stableRecordId } from '../../src/import/record-id';

/** A Pinpoint app-event record (no event_id, as Pinpoint writes them). */
const pinpointRecord = (): Record<string, unknown> => ({
  event_type: '_monetization.purchase',
  event_timestamp: 1517537662978,
  arrival_timestamp: 1517537778020,
  event_version: '3.1',
  application: { app_id: 'app-1', sdk: { name: 'aws-sdk-iOS', version: '2.6.5' } },
  client: { client_id: 'device-1', cognito_id: 'us-east-1:abc' },
  device: { platform: { name: 'iOS', version: '11.2.5' } },
  session: { session_id: 's-1', start_timestamp: 1517537625277 },
  attributes: { _currency: 'CNY' },
  metrics: { _item_price: 76.5811965811966, _quantity: 1 },
  awsAccountId: '111122223333',
});

function stored(checked: CheckedRecord): Extract<CheckedRecord, { ok: true }> {
  if (!checked.ok) throw new Error(`skipped: ${checked.reason}`);
  return checked;
}

describe('checkRecord', () => {
  it('makes the stored event of a Pinpoint record: a stable id, the KPI facts, every field kept', () => {
    const input = pinpointRecord();
    const { event, droppedValues } = stored(checkRecord(input));
    expect(droppedValues).toBe(0);
    expect(event.eventId).toBe(stableRecordId(input));
    expect(event.eventId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(event).toEqual(
      expect.objectContaining({
        appId: 'app-1',
        clientId: 'device-1',
        eventType: '_monetization.purchase',
        day: Math.floor(1517537662978 / 86_400_000),
        currency: 'CNY',
        metrics: { _item_price: 76.5811965811966, _quantity: 1 },
        sessionId: 's-1',
        eventTimestamp: 1517537662978,
        arrivalTimestamp: 1517537778020,
      }),
    );
    expect(JSON.parse(event.recordJson)).toEqual({ ...input, event_id: event.eventId });
  });

  it('gives the same id to the same record with its keys in another order, and another id to any other record', () => {
    const input = pinpointRecord();
    const reordered = Object.fromEntries(Object.entries(input).reverse());
    reordered['client'] = { cognito_id: 'us-east-1:abc', client_id: 'device-1' };
    expect(stored(checkRecord(reordered)).event.eventId).toBe(stored(checkRecord(input)).event.eventId);
    expect(stored(checkRecord({ ...input, arrival_timestamp: 1517537778021 })).event.eventId).not.toBe(stored(checkRecord(input)).event.eventId);
  });

  it("keeps a record's own event_id (ma2pinpoint's records)", () => {
    const { event } = stored(checkRecord({ ...pinpointRecord(), event_id: 'e-1' }));
    expect(event.eventId).toBe('e-1');
    expect((JSON.parse(event.recordJson) as { event_id: string }).event_id).toBe('e-1');
  });

  it('defaults arrival_timestamp to event_timestamp, attributes and metrics to {}', () => {
    const { arrival_timestamp: _a, attributes: _b, metrics: _c, session: _d, ...bare } = pinpointRecord();
    const { event } = stored(checkRecord(bare));
    expect(event).toEqual(expect.objectContaining({ arrivalTimestamp: 1517537662978, metrics: {}, currency: 'XXX', sessionId: null }));
    expect(JSON.parse(event.recordJson)).toEqual(expect.objectContaining({ arrival_timestamp: 1517537662978, attributes: {}, metrics: {} }));
  });

  it('leaves out attribute values that are not strings and metric values that are not finite numbers, and counts them', () => {
    const { event, droppedValues } = stored(
      checkRecord({ ...pinpointRecord(), attributes: { _currency: 'USD', level: 3, flag: null }, metrics: { _item_price: 1.5, bad: 'n/a', worse: null } }),
    );
    expect(droppedValues).toBe(4);
    expect(event.metrics).toEqual({ _item_price: 1.5 });
    expect(JSON.parse(event.recordJson)).toEqual(expect.objectContaining({ attributes: { _currency: 'USD' }, metrics: { _item_price: 1.5 } }));
  });

  it('drops a session that names none (Pinpoint writes {} outside sessions) and a stop time that is not one', () => {
    expect(JSON.parse(stored(checkRecord({ ...pinpointRecord(), session: {} })).event.recordJson)).not.toHaveProperty('session');
    const { event } = stored(checkRecord({ ...pinpointRecord(), event_type: '_session.stop', session: { session_id: 's', start_timestamp: 1000, stop_timestamp: 'later' } }));
    expect(JSON.parse(event.recordJson).session).toEqual({ session_id: 's', start_timestamp: 1000 });
    expect(event.sessionLengthMs).toBeUndefined();
  });

  it.each([
    ['an array', [], 'not a JSON object'],
    ['a number', 7, 'not a JSON object'],
    ['no event_type', { event_type: undefined }, 'no event_type'],
    ['an empty event_type', { event_type: '' }, 'no event_type'],
    ['an event_timestamp as text', { event_timestamp: '1517537662978' }, 'no valid event_timestamp'],
    ['a fractional event_timestamp', { event_timestamp: 1.5 }, 'no valid event_timestamp'],
    ['an event_timestamp no date can hold', { event_timestamp: 9e15 }, 'no valid event_timestamp'],
    ['an arrival_timestamp as text', { arrival_timestamp: 'soon' }, 'invalid arrival_timestamp'],
    ['no application', { application: undefined }, 'no application.app_id'],
    ['an empty app id', { application: { app_id: '' } }, 'no application.app_id'],
    ['no client', { client: undefined }, 'no client.client_id'],
    ['a numeric client id', { client: { client_id: 5 } }, 'no client.client_id'],
    ['attributes as a list', { attributes: ['a'] }, 'attributes not an object'],
    ['metrics as a number', { metrics: 3 }, 'metrics not an object'],
    ['a numeric event_id', { event_id: 12 }, 'invalid event_id'],
  ])('skips a record with %s', (_name, change, reason) => {
    const input = Array.isArray(change) || typeof change !== 'object' ? change : JSON.parse(JSON.stringify({ ...pinpointRecord(), ...change }));
    expect(checkRecord(input)).toEqual({ ok: false, reason });
  });
});
