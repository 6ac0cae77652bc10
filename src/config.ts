import { isIPv4 } from 'node:net';
import Ajv, { type ErrorObject } from 'ajv';
import { loadSchema } from './schemas';
import type { LogLevel } from './logger';

/** The names of the destinations events can be delivered to. */
export type SinkName = 'pinpoint' | 'local' | 'kinesis' | 'firehose';

/** What every AWS destination needs: where to call and how fast. */
interface RemoteSinkConfig {
  readonly region: string;
  /** Endpoint override (a stand-in, kinesalite, a VPC endpoint); the SDK's default when unset. */
  readonly endpoint: string | undefined;
  /** Calls per second this sink may make (`FORWARD_MAX_RPS`); the sink paces every remote call. */
  readonly maxCallsPerSecond: number;
}

/** One configured destination, with exactly the settings its kind uses. */
export type SinkConfig =
  | { readonly name: 'local'; readonly dataDir: string }
  | (RemoteSinkConfig & { readonly name: 'pinpoint' })
  | (RemoteSinkConfig & { readonly name: 'kinesis'; readonly streamName: string })
  | (RemoteSinkConfig & { readonly name: 'firehose'; readonly deliveryStreamName: string });

/** The public HTTP server and what it reads from each request. */
export interface HttpConfig {
  readonly port: number;
  readonly host: string;
  /** Largest request body accepted as sent (the legacy service's 1024 KB). */
  readonly bodyLimit: number;
  /** Largest body after gzip/deflate inflation. */
  readonly inflatedBodyLimit: number;
  /** Largest body of a Pinpoint-native call as sent (Pinpoint's own quota, 4 MB, unless lowered). */
  readonly pinpointBodyLimit: number;
  /** `'*'` for any origin, else the exact origins allowed. */
  readonly corsOrigins: '*' | readonly string[];
  /** How long SIGTERM waits for the spool to drain before the process exits. */
  readonly shutdownGraceMs: number;
  /** Request bodies being received or worked on at once; beyond it, "retry later" before reading. */
  readonly maxConcurrentUploads: number;
  /** Time to receive a whole request (headers and body); a stalled upload gets 408. */
  readonly requestTimeoutMs: number;
  /** Time to receive a request's headers (at most `requestTimeoutMs`). */
  readonly headersTimeoutMs: number;
}

/** The durable spool in `DATA_DIR`. */
export interface SpoolConfig {
  readonly dataDir: string;
  readonly sync: 'normal' | 'full';
  readonly maxEvents: number;
  /** Bound on the spool database's used pages, bytes. */
  readonly maxBytes: number;
}

/** The endpoint profiles UpdateEndpoint stores (`endpoints.db` in `DATA_DIR`). */
export interface EndpointProfilesConfig {
  /** Bound on the stored profiles (their ids and JSON), bytes; beyond it UpdateEndpoint is "retry later". */
  readonly maxBytes: number;
}

/** How the forwarder moves events from the spool to the sinks. */
export interface DeliveryConfig {
  /** Durable mode: deliver from a worker thread (default) or on the HTTP thread. */
  readonly thread: 'worker' | 'inline';
  /** Workers per sink, each with one lease in flight. */
  readonly concurrency: number;
  /** How long a partial batch waits for more events before it is sent. */
  readonly lingerMs: number;
}

/**
 * The admin port: the KPI API and the dashboard, apart from the public ingest port so stored data
 * is never served where devices send events.
 */
export interface AdminConfig {
  /** `'off'`: no admin server. 0: any free port. */
  readonly port: number | 'off';
  readonly host: string;
  /** Bearer token the data routes require; without it they are open (loopback binds only). */
  readonly token?: string;
}

/**
 * Recording of incoming legacy requests to JSON Lines files (`RECORD_DIR`), for test teams to
 * replay; see `src/recording/`.
 */
export interface RecordingConfig {
  readonly dir: string;
  /** A file is closed before a line would take it past this size, bytes. */
  readonly maxFileBytes: number;
  /** The recording files in `dir` never total more, bytes: the oldest are removed first. */
  readonly maxBytes: number;
  /** The share of requests recorded, 0 to 1, decided per request. */
  readonly sample: number;
}

/** One token bucket: refilled at `perSecond` requests a second, holding at most `burst`. */
export interface RateLimitConfig {
  readonly perSecond: number;
  readonly burst: number;
}

/** The rate limits per client id and per app id, each undefined when off. */
export interface RateLimitsConfig {
  readonly client: RateLimitConfig | undefined;
  readonly app: RateLimitConfig | undefined;
}

/** Who may write to the events route; see `src/access/`. */
export interface AccessConfig {
  /** `APP_ID_ALLOWLIST`: the Mobile Analytics app ids accepted; undefined accepts all. */
  readonly appIdAllowlist: ReadonlySet<string> | undefined;
  readonly rateLimits: RateLimitsConfig;
  /** `AUTH_MODE`: `none`, or `sigv4` with the file of access keys devices may sign with. */
  readonly auth: { readonly mode: 'none' } | { readonly mode: 'sigv4'; readonly credentialsFile: string };
}

/** Validated, frozen configuration. Only `config.ts` and `main.ts` read `process.env`. */
export interface Config {
  readonly ackMode: 'upstream' | 'durable';
  readonly logLevel: LogLevel;
  readonly http: HttpConfig;
  readonly spool: SpoolConfig;
  readonly endpointProfiles: EndpointProfilesConfig;
  readonly delivery: DeliveryConfig;
  readonly sinks: readonly SinkConfig[];
  readonly admin: AdminConfig;
  /** Undefined when `RECORD_DIR` is unset: nothing is recorded. */
  readonly recording: RecordingConfig | undefined;
  /** App id allowlist, rate limits, device authentication. */
  readonly access: AccessConfig;
  /** Legacy Mobile Analytics app id → Pinpoint application id. */
  readonly appIdMap: ReadonlyMap<string, string>;
}

/** The environment after validation, defaults and coercion by `schemas/config.schema.json`. */
interface ValidatedEnv {
  PORT: number;
  HOST: string;
  SINK: string;
  ACK_MODE: Config['ackMode'];
  AWS_REGION: string;
  PINPOINT_ENDPOINT?: string;
  PINPOINT_APP_ID_MAP: string;
  BODY_LIMIT: number;
  INFLATED_BODY_LIMIT: number;
  PINPOINT_BODY_LIMIT: number;
  CORS_ORIGINS: string;
  LOG_LEVEL: LogLevel;
  DATA_DIR: string;
  SPOOL_SYNC: SpoolConfig['sync'];
  SPOOL_MAX_EVENTS: number;
  SPOOL_MAX_BYTES: number;
  ENDPOINT_STORE_MAX_BYTES: number;
  MAX_CONCURRENT_UPLOADS: number;
  REQUEST_TIMEOUT_MS: number;
  HEADERS_TIMEOUT_MS: number;
  FORWARD_MAX_RPS: number;
  FORWARD_CONCURRENCY: number;
  FORWARD_LINGER_MS: number;
  DELIVERY_THREAD: DeliveryConfig['thread'];
  SHUTDOWN_GRACE_MS: number;
  KINESIS_STREAM?: string;
  KINESIS_ENDPOINT?: string;
  FIREHOSE_STREAM?: string;
  FIREHOSE_ENDPOINT?: string;
  ADMIN_PORT: AdminConfig['port'];
  ADMIN_HOST: string;
  ADMIN_TOKEN?: string;
  RECORD_DIR?: string;
  RECORD_MAX_FILE_BYTES: number;
  RECORD_MAX_BYTES: number;
  RECORD_SAMPLE: number;
  APP_ID_ALLOWLIST?: string;
  RATE_LIMIT_CLIENT_PER_SECOND: number;
  RATE_LIMIT_CLIENT_BURST?: number;
  RATE_LIMIT_APP_PER_SECOND: number;
  RATE_LIMIT_APP_BURST?: number;
  AUTH_MODE: 'none' | 'sigv4';
  AUTH_CREDENTIALS_FILE?: string;
}

/** Thrown when the environment holds invalid values; the message lists every problem. */
export class ConfigError extends Error {}

const configSchema = loadSchema('config.schema.json');
const schemaProperties = configSchema['properties'] as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: true, strict: true, strictRequired: false });
const validateConfig = ajv.compile(configSchema);

/** Parses `a=b,c=d` into a map. The schema has already checked the shape. */
function parseAppIdMap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of text.split(',').filter(Boolean)) {
    const [from = '', to = ''] = pair.split('=');
    map.set(from, to);
  }
  return map;
}

/** Variables that are sizes in bytes, written plain or with a unit. */
const SIZE_VARIABLE = /_(LIMIT|BYTES)$/;

/** Parses sizes written as bytes or with a unit (`1mb`, `512kb`), as `BODY_LIMIT=1mb` is natural. */
function parseSize(text: string): number | string {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!match) return text;
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[unit] ?? 1;
  return Math.floor(Number(match[1]) * factor);
}

/** A variable the schema requires in this case; the check keeps the type honest without a cast. */
function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new ConfigError(`Invalid configuration:\n  ${name}: must be set for this SINK`);
  return value;
}

/** The settings of one sink. The schema guarantees the stream names of the sinks named in `SINK`. */
function sinkConfig(name: SinkName, v: ValidatedEnv): SinkConfig {
  const remote = { region: v.AWS_REGION, maxCallsPerSecond: v.FORWARD_MAX_RPS };
  switch (name) {
    case 'local':
      return { name, dataDir: v.DATA_DIR };
    case 'pinpoint':
      return { name, ...remote, endpoint: v.PINPOINT_ENDPOINT };
    case 'kinesis':
      return { name, ...remote, endpoint: v.KINESIS_ENDPOINT, streamName: required(v.KINESIS_STREAM, 'KINESIS_STREAM') };
    case 'firehose':
      return { name, ...remote, endpoint: v.FIREHOSE_ENDPOINT, deliveryStreamName: required(v.FIREHOSE_STREAM, 'FIREHOSE_STREAM') };
  }
}

/** Freezes an object and the objects and arrays inside it (maps are read-only by type). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Map)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * One line per problem, each naming its variable. A variable that matches no alternative of an
 * `anyOf` gets one line with the schema's description of what it may be, not one per alternative.
 */
function schemaProblems(errors: readonly ErrorObject[]): string[] {
  const nameOf = (e: ErrorObject) => e.instancePath.replace(/^\//, '') || String(e.params['missingProperty'] ?? '');
  const alternatives = new Set(errors.filter((e) => e.keyword === 'anyOf').map(nameOf));
  const problems = errors
    .filter((e) => e.keyword !== 'if' && (e.keyword === 'anyOf' || !alternatives.has(nameOf(e))))
    .map((e) => {
      const name = nameOf(e);
      const described = (schemaProperties[name] as { description?: string } | undefined)?.description;
      return `${name}: ${e.keyword === 'anyOf' && described !== undefined ? `must be ${described}` : (e.message ?? 'invalid')}`;
    });
  return [...new Set(problems)];
}

/** Whether a host name or address is reachable only from this machine (127.0.0.0/8, ::1, localhost). */
function isLoopbackHost(host: string): boolean {
  const address = host.replace(/^\[(.*)\]$/, '$1').replace(/^::ffff:/i, '').toLowerCase();
  if (address === 'localhost' || address === '::1') return true;
  return isIPv4(address) && address.startsWith('127.');
}

/**
 * The admin port's settings. It serves stored data, so anywhere but loopback it needs a token,
 * and it may not share the ingest port (one of the two would fail to listen).
 */
function adminConfig(v: ValidatedEnv): AdminConfig {
  const { ADMIN_PORT: port, ADMIN_HOST: host, ADMIN_TOKEN: token } = v;
  if (port !== 'off' && token === undefined && !isLoopbackHost(host)) {
    throw new ConfigError(
      `Invalid configuration:\n  ADMIN_HOST=${host} exposes stored data (the KPI API) beyond this machine: set ADMIN_TOKEN (a bearer token of at least 16 characters) or bind ADMIN_HOST to 127.0.0.1`,
    );
  }
  if (port !== 'off' && port !== 0 && port === v.PORT) {
    throw new ConfigError(`Invalid configuration:\n  ADMIN_PORT=${port} is also PORT: the admin port must be separate from the ingest port (or off)`);
  }
  return token === undefined ? { port, host } : { port, host, token };
}

/**
 * The recording's settings, undefined without `RECORD_DIR`. The directory cap must hold at least
 * one whole file, since the oldest files are removed to make room for a new one.
 */
function recordingConfig(v: ValidatedEnv): RecordingConfig | undefined {
  const { RECORD_DIR: dir, RECORD_MAX_FILE_BYTES: maxFileBytes, RECORD_MAX_BYTES: maxBytes, RECORD_SAMPLE: sample } = v;
  if (maxBytes < maxFileBytes) {
    throw new ConfigError(
      `Invalid configuration:\n  RECORD_MAX_BYTES=${maxBytes} is less than RECORD_MAX_FILE_BYTES=${maxFileBytes}: the recording directory must hold at least one whole file`,
    );
  }
  return dir === undefined ? undefined : { dir, maxFileBytes, maxBytes, sample };
}

/**
 * One rate limit, undefined when its rate is 0 (off). The burst defaults to one second's worth
 * (at least 1); a burst without a rate would silently do nothing, so it is refused.
 */
function rateLimit(perSecond: number, burst: number | undefined, name: 'CLIENT' | 'APP'): RateLimitConfig | undefined {
  if (perSecond === 0) {
    if (burst !== undefined) {
      throw new ConfigError(`Invalid configuration:\n  RATE_LIMIT_${name}_BURST is set but RATE_LIMIT_${name}_PER_SECOND is 0 or unset: set the rate too (or unset the burst)`);
    }
    return undefined;
  }
  return { perSecond, burst: burst ?? Math.max(1, Math.ceil(perSecond)) };
}

/**
 * `AUTH_MODE` and its file (the schema requires the file with `sigv4`). A credentials file
 * without `sigv4` is refused: an operator who wrote one expects devices to be checked, and
 * nothing would be.
 */
function authConfig(v: ValidatedEnv): AccessConfig['auth'] {
  const file = v.AUTH_CREDENTIALS_FILE;
  if (v.AUTH_MODE === 'none') {
    if (file !== undefined) {
      throw new ConfigError('Invalid configuration:\n  AUTH_CREDENTIALS_FILE is set but AUTH_MODE is none: set AUTH_MODE=sigv4 to check signatures (or unset the file)');
    }
    return { mode: 'none' };
  }
  if (file === undefined) throw new ConfigError('Invalid configuration:\n  AUTH_CREDENTIALS_FILE: must be set for AUTH_MODE=sigv4');
  return { mode: 'sigv4', credentialsFile: file };
}

/** The access settings: allowlist, rate limits, authentication. */
function accessConfig(v: ValidatedEnv): AccessConfig {
  const allowlist = v.APP_ID_ALLOWLIST?.split(',').map((id) => id.trim()).filter(Boolean);
  return {
    appIdAllowlist: allowlist === undefined ? undefined : new Set(allowlist),
    rateLimits: {
      client: rateLimit(v.RATE_LIMIT_CLIENT_PER_SECOND, v.RATE_LIMIT_CLIENT_BURST, 'CLIENT'),
      app: rateLimit(v.RATE_LIMIT_APP_PER_SECOND, v.RATE_LIMIT_APP_BURST, 'APP'),
    },
    auth: authConfig(v),
  };
}

/**
 * Reads the configuration from an environment. Unknown variables are ignored; empty values count
 * as unset. Throws one ConfigError naming every invalid variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(schemaProperties)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    raw[name] = SIZE_VARIABLE.test(name) ? parseSize(value) : value;
  }
  if (!validateConfig(raw)) throw new ConfigError(`Invalid configuration:\n  ${schemaProblems(validateConfig.errors ?? []).join('\n  ')}`);
  const v = raw as unknown as ValidatedEnv;
  const admin = adminConfig(v);
  const recording = recordingConfig(v);
  const access = accessConfig(v);
  const sinkNames = [...new Set(v.SINK.split(','))] as SinkName[];
  return deepFreeze<Config>({
    ackMode: v.ACK_MODE,
    logLevel: v.LOG_LEVEL,
    http: {
      port: v.PORT,
      host: v.HOST,
      bodyLimit: v.BODY_LIMIT,
      inflatedBodyLimit: v.INFLATED_BODY_LIMIT,
      pinpointBodyLimit: v.PINPOINT_BODY_LIMIT,
      corsOrigins: v.CORS_ORIGINS.trim() === '*' ? '*' : v.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
      shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
      maxConcurrentUploads: v.MAX_CONCURRENT_UPLOADS,
      requestTimeoutMs: v.REQUEST_TIMEOUT_MS,
      headersTimeoutMs: Math.min(v.HEADERS_TIMEOUT_MS, v.REQUEST_TIMEOUT_MS),
    },
    spool: { dataDir: v.DATA_DIR, sync: v.SPOOL_SYNC, maxEvents: v.SPOOL_MAX_EVENTS, maxBytes: v.SPOOL_MAX_BYTES },
    endpointProfiles: { maxBytes: v.ENDPOINT_STORE_MAX_BYTES },
    delivery: { thread: v.DELIVERY_THREAD, concurrency: v.FORWARD_CONCURRENCY, lingerMs: v.FORWARD_LINGER_MS },
    sinks: sinkNames.map((name) => sinkConfig(name, v)),
    admin,
    recording,
    access,
    appIdMap: parseAppIdMap(v.PINPOINT_APP_ID_MAP),
  });
}

/** The names of the configured sinks, in `SINK` order: the spool's cursor keys. */
export function sinkNames(config: Pick<Config, 'sinks'>): SinkName[] {
  return config.sinks.map((sink) => sink.name);
}
