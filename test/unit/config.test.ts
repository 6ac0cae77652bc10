import { ConfigError, loadConfig, sinkNames, type Config, type SinkConfig } from '../../src/config';

/** The ConfigError `loadConfig(env)` throws, or a failure when it does not throw one. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err: unknown) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('loadConfig: defaults', () => {
  it('reads an empty environment as the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toEqual<Config>({
      ackMode: 'durable',
      logLevel: 'info',
      http: {
        port: 8080,
        host: '0.0.0.0',
        bodyLimit: 1_048_576,
        inflatedBodyLimit: 10_485_760,
        pinpointBodyLimit: 4_194_304,
        corsOrigins: '*',
        shutdownGraceMs: 8000,
        maxConcurrentUploads: 128,
        requestTimeoutMs: 30_000,
        headersTimeoutMs: 10_000,
      },
      spool: { dataDir: './data', sync: 'normal', maxEvents: 1_000_000, maxBytes: 1_073_741_824 },
      endpointProfiles: { maxBytes: 268_435_456 },
      delivery: { thread: 'worker', concurrency: 4, lingerMs: 1000 },
      sinks: [{ name: 'local', dataDir: './data' }],
      admin: { port: 8081, host: '127.0.0.1' },
      recording: undefined,
      access: { appIdAllowlist: undefined, rateLimits: { client: undefined, app: undefined }, auth: { mode: 'none' } },
      appIdMap: new Map(),
    });
    expect(config.appIdMap.size).toBe(0);
    expect('recording' in config && config.recording === undefined).toBe(true);
  });

  it('counts empty strings as unset', () => {
    const empty = Object.fromEntries(
      ['PORT', 'HOST', 'SINK', 'ACK_MODE', 'AWS_REGION', 'PINPOINT_ENDPOINT', 'BODY_LIMIT', 'CORS_ORIGINS', 'DATA_DIR', 'FORWARD_MAX_RPS', 'FORWARD_LINGER_MS', 'KINESIS_STREAM', 'ADMIN_PORT', 'ADMIN_HOST', 'ADMIN_TOKEN', 'RECORD_DIR', 'RECORD_SAMPLE', 'RECORD_MAX_BYTES'].map(
        (name) => [name, ''],
      ),
    );
    expect(loadConfig(empty)).toEqual(loadConfig({}));
  });

  it('ignores unknown variables', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root', NODE_ENV: 'production', FOO_BAR: 'not a number', port: 'lower-case is another name' })).toEqual(
      loadConfig({}),
    );
  });
});

describe('loadConfig: values', () => {
  it.each<[string, Record<string, string>, (c: Config) => unknown, unknown]>([
    ['PORT', { PORT: '9000' }, (c) => c.http.port, 9000],
    ['PORT 0 (any free port)', { PORT: '0' }, (c) => c.http.port, 0],
    ['HOST', { HOST: '127.0.0.1' }, (c) => c.http.host, '127.0.0.1'],
    ['ACK_MODE', { ACK_MODE: 'upstream' }, (c) => c.ackMode, 'upstream'],
    ['LOG_LEVEL', { LOG_LEVEL: 'silent' }, (c) => c.logLevel, 'silent'],
    ['BODY_LIMIT in bytes', { BODY_LIMIT: '2048' }, (c) => c.http.bodyLimit, 2048],
    ['BODY_LIMIT in kb', { BODY_LIMIT: '512kb' }, (c) => c.http.bodyLimit, 512 * 1024],
    ['BODY_LIMIT in mb', { BODY_LIMIT: '2mb' }, (c) => c.http.bodyLimit, 2 * 1024 * 1024],
    ['BODY_LIMIT, fractional and upper-case', { BODY_LIMIT: '1.5MB' }, (c) => c.http.bodyLimit, 1.5 * 1024 * 1024],
    ['BODY_LIMIT with a space before the unit', { BODY_LIMIT: '64 KB' }, (c) => c.http.bodyLimit, 64 * 1024],
    ['BODY_LIMIT with an explicit b', { BODY_LIMIT: '4096b' }, (c) => c.http.bodyLimit, 4096],
    ['INFLATED_BODY_LIMIT in mb', { INFLATED_BODY_LIMIT: '20mb' }, (c) => c.http.inflatedBodyLimit, 20 * 1024 * 1024],
    ['PINPOINT_BODY_LIMIT lowered', { PINPOINT_BODY_LIMIT: '512kb' }, (c) => c.http.pinpointBodyLimit, 512 * 1024],
    ['PINPOINT_BODY_LIMIT at its maximum, Pinpoint\'s quota', { PINPOINT_BODY_LIMIT: '4mb' }, (c) => c.http.pinpointBodyLimit, 4 * 1024 * 1024],
    ['INFLATED_BODY_LIMIT in gb at its maximum', { INFLATED_BODY_LIMIT: '0.25gb' }, (c) => c.http.inflatedBodyLimit, 268_435_456],
    ['SHUTDOWN_GRACE_MS', { SHUTDOWN_GRACE_MS: '0' }, (c) => c.http.shutdownGraceMs, 0],
    ['DATA_DIR for the spool', { DATA_DIR: '/var/lib/ma2pinpoint' }, (c) => c.spool.dataDir, '/var/lib/ma2pinpoint'],
    ['DATA_DIR for the local sink', { DATA_DIR: '/var/lib/ma2pinpoint' }, (c) => c.sinks, [{ name: 'local', dataDir: '/var/lib/ma2pinpoint' }]],
    ['SPOOL_SYNC', { SPOOL_SYNC: 'full' }, (c) => c.spool.sync, 'full'],
    ['SPOOL_MAX_EVENTS', { SPOOL_MAX_EVENTS: '5' }, (c) => c.spool.maxEvents, 5],
    ['ENDPOINT_STORE_MAX_BYTES in bytes', { ENDPOINT_STORE_MAX_BYTES: '2097152' }, (c) => c.endpointProfiles.maxBytes, 2 * 1024 ** 2],
    ['ENDPOINT_STORE_MAX_BYTES in gb', { ENDPOINT_STORE_MAX_BYTES: '2gb' }, (c) => c.endpointProfiles.maxBytes, 2 * 1024 ** 3],
    ['DELIVERY_THREAD', { DELIVERY_THREAD: 'inline' }, (c) => c.delivery.thread, 'inline'],
    ['FORWARD_CONCURRENCY', { FORWARD_CONCURRENCY: '64' }, (c) => c.delivery.concurrency, 64],
    ['FORWARD_LINGER_MS', { FORWARD_LINGER_MS: '0' }, (c) => c.delivery.lingerMs, 0],
    ['CORS_ORIGINS *', { CORS_ORIGINS: '*' }, (c) => c.http.corsOrigins, '*'],
    ['CORS_ORIGINS * with spaces around', { CORS_ORIGINS: ' * ' }, (c) => c.http.corsOrigins, '*'],
    ['CORS_ORIGINS one origin', { CORS_ORIGINS: 'https://a.example' }, (c) => c.http.corsOrigins, ['https://a.example']],
    [
      'CORS_ORIGINS a list, trimmed, empty items dropped',
      { CORS_ORIGINS: ' https://a.example ,https://b.example:8443,, ' },
      (c) => c.http.corsOrigins,
      ['https://a.example', 'https://b.example:8443'],
    ],
    ['PINPOINT_APP_ID_MAP', { PINPOINT_APP_ID_MAP: 'legacy-1=pp-1,legacy-2=pp-2' }, (c) => [...c.appIdMap], [['legacy-1', 'pp-1'], ['legacy-2', 'pp-2']]],
    ['PINPOINT_APP_ID_MAP, one pair', { PINPOINT_APP_ID_MAP: 'a=b' }, (c) => c.appIdMap, new Map([['a', 'b']])],
    ['ADMIN_PORT', { ADMIN_PORT: '9001' }, (c) => c.admin.port, 9001],
    ['ADMIN_PORT 0 (any free port)', { ADMIN_PORT: '0' }, (c) => c.admin.port, 0],
    ['ADMIN_PORT off', { ADMIN_PORT: 'off' }, (c) => c.admin.port, 'off'],
    ['ADMIN_PORT 0 while PORT is 0 (two free ports)', { ADMIN_PORT: '0', PORT: '0' }, (c) => [c.http.port, c.admin.port], [0, 0]],
    ['ADMIN_HOST another loopback address', { ADMIN_HOST: '127.0.0.2' }, (c) => c.admin.host, '127.0.0.2'],
    ['ADMIN_HOST localhost', { ADMIN_HOST: 'localhost' }, (c) => c.admin.host, 'localhost'],
    ['ADMIN_HOST ::1', { ADMIN_HOST: '::1' }, (c) => c.admin.host, '::1'],
    ['ADMIN_HOST [::1]', { ADMIN_HOST: '[::1]' }, (c) => c.admin.host, '[::1]'],
    [
      'ADMIN_HOST 0.0.0.0 with ADMIN_TOKEN',
      { ADMIN_HOST: '0.0.0.0', ADMIN_TOKEN: 'abcdefghijklmnop' },
      (c) => c.admin,
      { port: 8081, host: '0.0.0.0', token: 'abcdefghijklmnop' },
    ],
    ['ADMIN_TOKEN on loopback too', { ADMIN_TOKEN: 'x'.repeat(64) }, (c) => c.admin.token, 'x'.repeat(64)],
    ['ADMIN_HOST 0.0.0.0 without a token while the admin port is off', { ADMIN_HOST: '0.0.0.0', ADMIN_PORT: 'off' }, (c) => c.admin.port, 'off'],
    ['RECORD_DIR with the default caps and sample', { RECORD_DIR: '/rec' }, (c) => c.recording, { dir: '/rec', maxFileBytes: 64 * 1024 ** 2, maxBytes: 1024 ** 3, sample: 1 }],
    [
      'RECORD_* with units and a sample',
      { RECORD_DIR: 'rec', RECORD_MAX_FILE_BYTES: '2mb', RECORD_MAX_BYTES: '10MB', RECORD_SAMPLE: '0.25' },
      (c) => c.recording,
      { dir: 'rec', maxFileBytes: 2 * 1024 ** 2, maxBytes: 10 * 1024 ** 2, sample: 0.25 },
    ],
    ['RECORD_MAX_BYTES equal to RECORD_MAX_FILE_BYTES', { RECORD_DIR: 'r', RECORD_MAX_FILE_BYTES: '1mb', RECORD_MAX_BYTES: '1mb' }, (c) => c.recording?.maxBytes, 1024 ** 2],
    ['RECORD_SAMPLE 0 (records nothing, the directory still set up)', { RECORD_DIR: 'r', RECORD_SAMPLE: '0' }, (c) => c.recording?.sample, 0],
    ['RECORD_* without RECORD_DIR: no recording', { RECORD_SAMPLE: '0.5', RECORD_MAX_FILE_BYTES: '2mb' }, (c) => c.recording, undefined],
  ])('%s', (_label, env, read, expected) => {
    expect(read(loadConfig(env))).toEqual(expected);
  });

  it('parses PINPOINT_APP_ID_MAP into a Map', () => {
    const { appIdMap } = loadConfig({ PINPOINT_APP_ID_MAP: 'a=b,c=d' });
    expect(appIdMap).toBeInstanceOf(Map);
    expect(appIdMap.get('a')).toBe('b');
    expect(appIdMap.get('c')).toBe('d');
    expect(appIdMap.get('b')).toBeUndefined();
  });
});

describe('loadConfig: sinks', () => {
  it.each<[string, Record<string, string>, SinkConfig[]]>([
    ['local by default', {}, [{ name: 'local', dataDir: './data' }]],
    [
      'pinpoint with defaults',
      { SINK: 'pinpoint' },
      [{ name: 'pinpoint', region: 'us-east-1', endpoint: undefined, maxCallsPerSecond: 15 }],
    ],
    [
      'pinpoint from AWS_REGION, PINPOINT_ENDPOINT and FORWARD_MAX_RPS',
      { SINK: 'pinpoint', AWS_REGION: 'eu-west-1', PINPOINT_ENDPOINT: 'http://127.0.0.1:4566', FORWARD_MAX_RPS: '7.5' },
      [{ name: 'pinpoint', region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566', maxCallsPerSecond: 7.5 }],
    ],
    [
      'kinesis with its stream and endpoint',
      { SINK: 'kinesis', KINESIS_STREAM: 'events', KINESIS_ENDPOINT: 'http://127.0.0.1:4567', AWS_REGION: 'ap-southeast-2' },
      [{ name: 'kinesis', region: 'ap-southeast-2', endpoint: 'http://127.0.0.1:4567', maxCallsPerSecond: 15, streamName: 'events' }],
    ],
    [
      'firehose with its delivery stream',
      { SINK: 'firehose', FIREHOSE_STREAM: 'to-s3', FORWARD_MAX_RPS: '100' },
      [{ name: 'firehose', region: 'us-east-1', endpoint: undefined, maxCallsPerSecond: 100, deliveryStreamName: 'to-s3' }],
    ],
    [
      'several, in SINK order, each with only its own settings',
      {
        SINK: 'firehose,local,kinesis,pinpoint',
        KINESIS_STREAM: 'k',
        FIREHOSE_STREAM: 'f',
        PINPOINT_ENDPOINT: 'https://pinpoint.example',
        KINESIS_ENDPOINT: 'https://kinesis.example',
        FIREHOSE_ENDPOINT: 'https://firehose.example',
        DATA_DIR: '/d',
      },
      [
        { name: 'firehose', region: 'us-east-1', endpoint: 'https://firehose.example', maxCallsPerSecond: 15, deliveryStreamName: 'f' },
        { name: 'local', dataDir: '/d' },
        { name: 'kinesis', region: 'us-east-1', endpoint: 'https://kinesis.example', maxCallsPerSecond: 15, streamName: 'k' },
        { name: 'pinpoint', region: 'us-east-1', endpoint: 'https://pinpoint.example', maxCallsPerSecond: 15 },
      ],
    ],
    [
      'duplicates collapsed, first occurrence kept',
      { SINK: 'pinpoint,local,pinpoint,local' },
      [
        { name: 'pinpoint', region: 'us-east-1', endpoint: undefined, maxCallsPerSecond: 15 },
        { name: 'local', dataDir: './data' },
      ],
    ],
    [
      'a stream variable set for a sink not chosen is ignored',
      { SINK: 'local', KINESIS_STREAM: 'k', FIREHOSE_STREAM: 'f' },
      [{ name: 'local', dataDir: './data' }],
    ],
  ])('%s', (_label, env, expected) => {
    const config = loadConfig(env);
    expect(config.sinks).toStrictEqual(expected);
    expect(sinkNames(config)).toEqual(expected.map((s) => s.name));
  });

  it('sinkNames lists the configured sinks in SINK order, without duplicates', () => {
    expect(sinkNames(loadConfig({ SINK: 'kinesis,local,kinesis,pinpoint', KINESIS_STREAM: 's' }))).toEqual(['kinesis', 'local', 'pinpoint']);
    expect(sinkNames({ sinks: [{ name: 'local', dataDir: 'x' }] })).toEqual(['local']);
    expect(sinkNames({ sinks: [] })).toEqual([]);
  });
});

describe('loadConfig: invalid environments', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['SINK=kinesis without KINESIS_STREAM', { SINK: 'kinesis' }, ['KINESIS_STREAM']],
    ['SINK=kinesis with an empty KINESIS_STREAM', { SINK: 'kinesis', KINESIS_STREAM: '' }, ['KINESIS_STREAM']],
    ['SINK=local,firehose without FIREHOSE_STREAM', { SINK: 'local,firehose' }, ['FIREHOSE_STREAM']],
    ['PORT not a number', { PORT: 'http' }, ['PORT']],
    ['PORT fractional', { PORT: '80.5' }, ['PORT']],
    ['PORT over 65535', { PORT: '65536' }, ['PORT']],
    ['PORT negative', { PORT: '-1' }, ['PORT']],
    ['SINK unknown', { SINK: 'pinpoint,s3' }, ['SINK']],
    ['SINK upper-case', { SINK: 'Local' }, ['SINK']],
    ['SINK with a trailing comma', { SINK: 'local,' }, ['SINK']],
    ['ACK_MODE unknown', { ACK_MODE: 'eventually' }, ['ACK_MODE']],
    ['AWS_REGION malformed', { AWS_REGION: 'US East' }, ['AWS_REGION']],
    ['PINPOINT_ENDPOINT not a URL', { PINPOINT_ENDPOINT: 'localhost:4566' }, ['PINPOINT_ENDPOINT']],
    ['PINPOINT_APP_ID_MAP without =', { PINPOINT_APP_ID_MAP: 'a-b' }, ['PINPOINT_APP_ID_MAP']],
    ['PINPOINT_APP_ID_MAP with a trailing comma', { PINPOINT_APP_ID_MAP: 'a=b,' }, ['PINPOINT_APP_ID_MAP']],
    ['BODY_LIMIT with an unknown unit', { BODY_LIMIT: '1tb' }, ['BODY_LIMIT']],
    ['BODY_LIMIT under 1 KiB', { BODY_LIMIT: '512' }, ['BODY_LIMIT']],
    ['PINPOINT_BODY_LIMIT above Pinpoint\'s 4 MB', { PINPOINT_BODY_LIMIT: '5mb' }, ['PINPOINT_BODY_LIMIT']],
    ['BODY_LIMIT over 64 MiB', { BODY_LIMIT: '65mb' }, ['BODY_LIMIT']],
    ['BODY_LIMIT not a size', { BODY_LIMIT: 'large' }, ['BODY_LIMIT']],
    ['FORWARD_MAX_RPS zero', { FORWARD_MAX_RPS: '0' }, ['FORWARD_MAX_RPS']],
    ['FORWARD_CONCURRENCY over 64', { FORWARD_CONCURRENCY: '65' }, ['FORWARD_CONCURRENCY']],
    ['FORWARD_LINGER_MS over a minute', { FORWARD_LINGER_MS: '60001' }, ['FORWARD_LINGER_MS']],
    ['SPOOL_SYNC off', { SPOOL_SYNC: 'off' }, ['SPOOL_SYNC']],
    ['SPOOL_MAX_EVENTS zero', { SPOOL_MAX_EVENTS: '0' }, ['SPOOL_MAX_EVENTS']],
    ['ENDPOINT_STORE_MAX_BYTES under 1 MiB', { ENDPOINT_STORE_MAX_BYTES: '512kb' }, ['ENDPOINT_STORE_MAX_BYTES']],
    ['ENDPOINT_STORE_MAX_BYTES not a size', { ENDPOINT_STORE_MAX_BYTES: 'big' }, ['ENDPOINT_STORE_MAX_BYTES']],
    ['DELIVERY_THREAD unknown', { DELIVERY_THREAD: 'fork' }, ['DELIVERY_THREAD']],
    ['LOG_LEVEL unknown', { LOG_LEVEL: 'verbose' }, ['LOG_LEVEL']],
    ['CORS_ORIGINS naming no origin', { CORS_ORIGINS: ' , ' }, ['CORS_ORIGINS']],
    ['ADMIN_PORT neither a port nor off', { ADMIN_PORT: 'on' }, ['ADMIN_PORT']],
    ['ADMIN_PORT over 65535', { ADMIN_PORT: '65536' }, ['ADMIN_PORT']],
    ['ADMIN_PORT fractional', { ADMIN_PORT: '80.5' }, ['ADMIN_PORT']],
    ['ADMIN_TOKEN shorter than 16 characters', { ADMIN_TOKEN: 'short-token' }, ['ADMIN_TOKEN']],
    ['ADMIN_TOKEN with a space', { ADMIN_TOKEN: 'a token with spaces' }, ['ADMIN_TOKEN']],
    ['RECORD_SAMPLE over 1', { RECORD_DIR: 'r', RECORD_SAMPLE: '1.5' }, ['RECORD_SAMPLE']],
    ['RECORD_SAMPLE negative', { RECORD_DIR: 'r', RECORD_SAMPLE: '-0.1' }, ['RECORD_SAMPLE']],
    ['RECORD_SAMPLE not a number', { RECORD_DIR: 'r', RECORD_SAMPLE: 'half' }, ['RECORD_SAMPLE']],
    ['RECORD_MAX_FILE_BYTES under 1 MiB', { RECORD_DIR: 'r', RECORD_MAX_FILE_BYTES: '512kb' }, ['RECORD_MAX_FILE_BYTES']],
    ['RECORD_MAX_BYTES with an unknown unit', { RECORD_DIR: 'r', RECORD_MAX_BYTES: '1tb' }, ['RECORD_MAX_BYTES']],
    [
      'several bad variables at once',
      { PORT: 'x', SINK: 'kinesis,firehose', ACK_MODE: 'maybe', BODY_LIMIT: '10', FORWARD_MAX_RPS: '-3', LOG_LEVEL: 'loud' },
      ['PORT', 'ACK_MODE', 'BODY_LIMIT', 'FORWARD_MAX_RPS', 'LOG_LEVEL', 'KINESIS_STREAM', 'FIREHOSE_STREAM'],
    ],
  ])('%s → one ConfigError naming every bad variable', (_label, env, names) => {
    const error = configError(env);
    expect(error.message).toMatch(/^Invalid configuration:/);
    const problemLines = error.message.split('\n').slice(1);
    // One line per problem, each starting with the variable it is about.
    expect(problemLines.map((line) => line.trim().split(':')[0]).sort()).toEqual([...names].sort());
  });

  it('names a bad variable once even when it breaks several rules', () => {
    const error = configError({ PORT: 'x', SINK: 'kinesis' });
    expect(error.message.match(/PORT:/g)).toHaveLength(1);
    expect(error.message.match(/KINESIS_STREAM:/g)).toHaveLength(1);
  });

  it('says what ADMIN_PORT may be in one line, not one per alternative', () => {
    expect(configError({ ADMIN_PORT: 'on' }).message).toBe('Invalid configuration:\n  ADMIN_PORT: must be a port number (0 to 65535, 0 for any free port) or off');
  });

  it('says how long ADMIN_TOKEN must be, without repeating it', () => {
    const error = configError({ ADMIN_TOKEN: 'twelve-chars' });
    expect(error.message).toBe('Invalid configuration:\n  ADMIN_TOKEN: must NOT have fewer than 16 characters');
  });

  it('refuses ADMIN_PORT equal to PORT', () => {
    expect(configError({ PORT: '9000', ADMIN_PORT: '9000' }).message).toBe(
      'Invalid configuration:\n  ADMIN_PORT=9000 is also PORT: the admin port must be separate from the ingest port (or off)',
    );
  });

  it('refuses RECORD_MAX_BYTES smaller than RECORD_MAX_FILE_BYTES', () => {
    expect(configError({ RECORD_DIR: 'r', RECORD_MAX_FILE_BYTES: '64mb', RECORD_MAX_BYTES: '32mb' }).message).toBe(
      'Invalid configuration:\n  RECORD_MAX_BYTES=33554432 is less than RECORD_MAX_FILE_BYTES=67108864: the recording directory must hold at least one whole file',
    );
  });

  it('is a ConfigError, an Error', () => {
    expect(() => loadConfig({ PORT: 'x' })).toThrow(ConfigError);
    expect(configError({ PORT: 'x' })).toBeInstanceOf(Error);
  });
});

describe('loadConfig: the admin port off loopback needs a token', () => {
  it.each(['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'admin.example.com', '128.0.0.1', '::ffff:10.0.0.1'])('ADMIN_HOST=%s without ADMIN_TOKEN', (host) => {
    expect(configError({ ADMIN_HOST: host }).message).toBe(
      `Invalid configuration:\n  ADMIN_HOST=${host} exposes stored data (the KPI API) beyond this machine: set ADMIN_TOKEN (a bearer token of at least 16 characters) or bind ADMIN_HOST to 127.0.0.1`,
    );
  });

  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1'])('ADMIN_HOST=%s needs none', (host) => {
    expect(loadConfig({ ADMIN_HOST: host }).admin).toEqual({ port: 8081, host });
  });
});

describe('loadConfig: the result is frozen', () => {
  const config = loadConfig({ SINK: 'pinpoint,kinesis,local', KINESIS_STREAM: 'k', CORS_ORIGINS: 'https://a.example,https://b.example', RECORD_DIR: 'r' });

  it.each<[string, (c: Config) => unknown]>([
    ['the config', (c) => c],
    ['http', (c) => c.http],
    ['http.corsOrigins', (c) => c.http.corsOrigins],
    ['spool', (c) => c.spool],
    ['endpointProfiles', (c) => c.endpointProfiles],
    ['delivery', (c) => c.delivery],
    ['sinks', (c) => c.sinks],
    ['sinks[0] (pinpoint)', (c) => c.sinks[0]],
    ['sinks[1] (kinesis)', (c) => c.sinks[1]],
    ['sinks[2] (local)', (c) => c.sinks[2]],
    ['admin', (c) => c.admin],
    ['recording', (c) => c.recording],
  ])('%s', (_label, pick) => {
    expect(Object.isFrozen(pick(config))).toBe(true);
  });

  it('rejects writes in strict mode', () => {
    const mutable = config as unknown as { ackMode: string; http: { port: number }; sinks: unknown[] };
    expect(() => {
      mutable.ackMode = 'upstream';
    }).toThrow(TypeError);
    expect(() => {
      mutable.http.port = 1;
    }).toThrow(TypeError);
    expect(() => mutable.sinks.push({ name: 'local' })).toThrow(TypeError);
    expect(config.ackMode).toBe('durable');
    expect(config.http.port).toBe(8080);
    expect(config.sinks).toHaveLength(3);
  });

  it('does not freeze or share the environment it read', () => {
    const env = { SINK: 'local', PORT: '81' };
    loadConfig(env);
    expect(Object.isFrozen(env)).toBe(false);
    expect(env).toEqual({ SINK: 'local', PORT: '81' });
  });
});
