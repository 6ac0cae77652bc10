import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Event, EventsRequest, PinpointClient, PublicEndpoint, PutEventsCommand } from '@aws-sdk/client-pinpoint';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { mapLegacyRequest } from '../../src/mapping/map-legacy-request';
import { fitForPinpoint, wasFitted } from '../../src/mapping/pinpoint-limits';
import { toPutEventsCalls } from '../../src/mapping/put-events-calls';
import { createPinpointSink } from '../../src/sinks/pinpoint-sink';
import { LONG_ATTRIBUTE, reportedEvent, reportedEventFittedNames } from '../support/beyond-limits';
import { createCaptureLogger } from '../support/capture-logger';
import { createFakeObserver } from '../support/fake-observer';
import { sampleClientContext } from '../support/legacy-requests';
import { eventsRequestProblems } from '../support/pinpoint-stand-in';

/** A fitting case: one event and its endpoint in, what the Pinpoint sink sends and what it counts out (test/fixtures/pinpoint-fit/*.json). */
interface FitCase {
  name: string;
  endpoint: PublicEndpoint;
  event: Event;
  expected: { endpoint: PublicEndpoint; event: Event; droppedEntries: number; truncatedValues: number };
}

const DIR = path.join(__dirname, '..', 'fixtures', 'pinpoint-fit');
const cases: Array<[string, FitCase]> = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as FitCase]);

const FIT_LOG = 'legacy data fitted to Pinpoint limits';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function envelopeOf(c: Pick<FitCase, 'endpoint' | 'event'>, eventId = 'event-1'): EventEnvelope {
  return { eventId, applicationId: 'app-1', endpointId: 'client-1', endpoint: c.endpoint, event: c.event, receivedAt: 1_795_339_800_000 };
}

describe('fitting to Pinpoint limits (fitForPinpoint)', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });

  describe.each(cases)('%s', (_file, c) => {
    it(`${c.name}: sends the expected event and endpoint, with the counts`, () => {
      const given = deepFreeze(envelopeOf(structuredClone(c)));
      const { envelope, adjustments } = fitForPinpoint(given);
      expect(envelope.event).toEqual(c.expected.event);
      expect(envelope.endpoint).toEqual(c.expected.endpoint);
      expect(adjustments).toEqual({ droppedEntries: c.expected.droppedEntries, truncatedValues: c.expected.truncatedValues });
      // Kept in order: reserved names first, then the others as sent.
      expect(Object.keys(envelope.event.Attributes ?? {})).toEqual(Object.keys(c.expected.event.Attributes ?? {}));
      expect(Object.keys(envelope.event.Metrics ?? {})).toEqual(Object.keys(c.expected.event.Metrics ?? {}));
      expect({ ...envelope, event: undefined, endpoint: undefined }).toEqual({ ...given, event: undefined, endpoint: undefined });
    });

    it('leaves the given envelope as it was, and returns it when nothing is beyond the limits', () => {
      const given = deepFreeze(envelopeOf(structuredClone(c)));
      const { envelope, adjustments } = fitForPinpoint(given);
      expect(given).toEqual(envelopeOf(c));
      if (wasFitted(adjustments)) expect(envelope).not.toBe(given);
      else expect(envelope).toBe(given);
    });

    it('gives a PutEvents request valid for Pinpoint', () => {
      const [call] = toPutEventsCalls([fitForPinpoint(envelopeOf(c)).envelope]);
      expect(eventsRequestProblems(call?.request)).toBeUndefined();
    });
  });
});

/** A PinpointClient stand-in that records each PutEvents input and accepts every event. */
function recordingClient(): { client: PinpointClient; sent: Array<{ ApplicationId: string; EventsRequest: EventsRequest }>; destroyed: () => boolean } {
  const sent: Array<{ ApplicationId: string; EventsRequest: EventsRequest }> = [];
  let destroyed = false;
  const client = {
    send: (command: PutEventsCommand) => {
      sent.push(command.input as { ApplicationId: string; EventsRequest: EventsRequest });
      return Promise.resolve({ EventsResponse: { Results: {} } });
    },
    destroy: () => {
      destroyed = true;
    },
  };
  return { client: client as unknown as PinpointClient, sent, destroyed: () => destroyed };
}

/** The reported event, once per event type, from one device, mapped as sent. */
function reportedEnvelopes(eventTypes: string[] = ['level_complete']): EventEnvelope[] {
  const request = {
    clientContext: sampleClientContext('device-1'),
    body: { events: eventTypes.map((type) => reportedEvent(type)) },
    sdk: { kind: 'js' as const, name: 'aws-sdk-mobile-analytics-js', version: '0.9.2' },
    receivedAt: 1_795_339_800_000,
  };
  return mapLegacyRequest(request, new Map()).envelopes;
}

describe('the Pinpoint sink fits what it sends', () => {
  it('sends fitted copies and leaves the envelopes it was handed as sent', async () => {
    const { client, sent } = recordingClient();
    const sink = createPinpointSink({ client, logger: createCaptureLogger() });
    const envelopes = reportedEnvelopes();
    const before = structuredClone(envelopes);
    const result = await sink.deliver(envelopes);
    expect(result).toEqual({ rejected: [], failed: [] });
    expect(envelopes).toEqual(before);
    expect(Object.keys(envelopes[0]?.event.Attributes ?? {})).toHaveLength(45);
    expect(sent).toHaveLength(1);
    const request = sent[0]?.EventsRequest;
    expect(eventsRequestProblems(request)).toBeUndefined();
    const event = request?.BatchItem?.['device-1']?.Events?.[envelopes[0]?.eventId ?? ''];
    expect(Object.keys(event?.Attributes ?? {})).toEqual(reportedEventFittedNames());
    expect(event?.Attributes?.[LONG_ATTRIBUTE]).toBe('x'.repeat(200));
    expect(event?.Metrics).toBeUndefined();
  });

  it('logs each fitted event at warn with its app, type, id and counts, rate-limited, and counts them', async () => {
    const { client, destroyed } = recordingClient();
    const logger = createCaptureLogger();
    const observer = createFakeObserver();
    const sink = createPinpointSink({ client, logger, fitLogIntervalMs: 60_000, observer });
    const envelopes = reportedEnvelopes(['level_complete', 'level_failed', 'level_skipped']);
    const withinLimits = { ...envelopes[0]!, eventId: 'small', event: { EventType: 'small', Timestamp: '2026-11-22T10:00:00.000Z' } };
    await sink.deliver([...envelopes, withinLimits]);
    await sink.deliver([withinLimits]);
    expect(sink.fittedEvents()).toBe(3);
    // Once per call that fitted any: the metrics count the same events as the log.
    expect(observer.fitted).toEqual([{ sink: 'pinpoint', events: 3 }]);
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: FIT_LOG,
        fields: { appId: envelopes[0]?.applicationId, eventType: 'level_complete', eventId: envelopes[0]?.eventId, droppedEntries: 6, truncatedValues: 1, total: 1 },
      },
    ]);
    await sink.close();
    expect(destroyed()).toBe(true);
    expect(logger.lines[1]).toEqual({ level: 'warn', message: FIT_LOG, fields: { suppressed: 2, total: 3 } });
  });

  it('logs nothing and counts nothing when every event is within the limits', async () => {
    const { client, sent } = recordingClient();
    const logger = createCaptureLogger();
    const sink = createPinpointSink({ client, logger });
    const [envelope] = reportedEnvelopes();
    const small: EventEnvelope = { ...envelope!, event: { ...envelope!.event, Attributes: { level: '3' }, Metrics: { score: 1 } } };
    await sink.deliver([small]);
    await sink.close();
    expect(sent[0]?.EventsRequest.BatchItem?.['device-1']?.Events?.[small.eventId]).toEqual(small.event);
    expect(sink.fittedEvents()).toBe(0);
    expect(logger.lines).toEqual([]);
  });
});
