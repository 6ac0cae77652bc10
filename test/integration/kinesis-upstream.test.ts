import request from 'supertest';
import { createApp, EVENTS_PATH } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createDeps, type Deps } from '../../src/deps';
import { silentLogger } from '../../src/logger';
import { eventStreamRecordProblems } from '../support/delivery-oracle';
import { FAKE_CREDENTIALS } from '../support/fake-credentials';
import { startKinesalite, type Kinesalite } from '../support/kinesalite';
import { SAMPLE_APP_ID, sampleClientContext, sampleEvents } from '../support/legacy-requests';
import { makeTempDir } from '../support/temp-dir';

const STREAM = 'pinpoint-events';
const ENV_NAMES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

describe('SINK=kinesis, ACK_MODE=upstream, end to end', () => {
  let kinesalite: Kinesalite;
  const opened: Deps[] = [];
  const savedEnv = new Map<string, string | undefined>();
  // Upstream mode keeps no spool, but the endpoint profiles live in DATA_DIR.
  const temp = makeTempDir();

  const appFor = (streamName: string) => {
    const deps = createDeps(
      loadConfig({ SINK: 'kinesis', KINESIS_STREAM: streamName, KINESIS_ENDPOINT: kinesalite.endpoint, ACK_MODE: 'upstream', LOG_LEVEL: 'silent', DATA_DIR: temp.dir }),
      silentLogger,
    );
    opened.push(deps);
    return createApp(deps.app);
  };

  beforeAll(async () => {
    for (const name of ENV_NAMES) savedEnv.set(name, process.env[name]);
    process.env['AWS_ACCESS_KEY_ID'] = FAKE_CREDENTIALS.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = FAKE_CREDENTIALS.secretAccessKey;
    delete process.env['AWS_SESSION_TOKEN'];
    kinesalite = await startKinesalite();
    await kinesalite.createStream(STREAM, 4);
  });

  afterAll(async () => {
    await Promise.all(opened.map((deps) => deps.close()));
    await kinesalite.close();
    temp.remove();
    for (const [name, value] of savedEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('answers 202 once the events are in the stream, as event-stream records keyed by client id', async () => {
    const events = sampleEvents(3, 'session-e2e');
    const response = await request(appFor(STREAM))
      .post(EVENTS_PATH)
      .set('x-amz-Client-Context', JSON.stringify(sampleClientContext('e2e-client-1')))
      .set('X-Amz-User-Agent', 'aws-sdk-js/2.1693.0')
      .set('Content-Type', 'application/x-amz-json-1.1')
      .send(JSON.stringify({ events }));
    expect(response.status).toBe(202);
    expect(response.text).toBe('');

    const records = await kinesalite.readAll(STREAM);
    expect(records).toHaveLength(3);
    expect(new Set(records.map((r) => r.partitionKey))).toEqual(new Set(['e2e-client-1']));
    const parsed = records.map((r) => JSON.parse(r.data) as Record<string, unknown>);
    expect(parsed.map((r) => r['event_type'])).toEqual(events.map((e) => e.eventType));
    for (const [index, record] of parsed.entries()) {
      expect(eventStreamRecordProblems(record)).toBeUndefined();
      expect(record).toMatchObject({
        event_timestamp: Date.parse(events[index]?.timestamp as string),
        event_version: '3.0',
        application: { app_id: SAMPLE_APP_ID, title: 'Sample App', sdk: { name: 'aws-sdk-mobile-analytics-js', version: '0.9.2' } },
        client: { client_id: 'e2e-client-1' },
        device: { platform: { name: 'android', version: '13' } },
        session: { session_id: 'session-e2e' },
        attributes: { level: `L${index}` },
        metrics: { score: index * 10 },
      });
      expect(typeof record['arrival_timestamp']).toBe('number');
    }
  });

  it('answers 503 (retry later) to Android when the stream does not exist, and writes nothing', async () => {
    const before = (await kinesalite.readAll(STREAM)).length;
    const response = await request(appFor('missing-stream'))
      .post(EVENTS_PATH)
      .set('x-amz-Client-Context', JSON.stringify(sampleClientContext('e2e-client-2')))
      .set('User-Agent', 'aws-sdk-android/2.16.13 Linux/5.10 Dalvik/2.1.0/0 en_US')
      .send(JSON.stringify({ events: sampleEvents(2) }));
    expect(response.status).toBe(503);
    expect((await kinesalite.readAll(STREAM)).length).toBe(before);
  });
});
