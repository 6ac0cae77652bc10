import Ajv from 'ajv';
import { loadSchema } from './schemas';
import type { LogLevel } from './logger';

/** The names of the destinations events can be delivered to. */
export type SinkName = 'pinpoint' | 'local' | 'kinesis' | 'firehose';

/** Validated, frozen configuration. Only `config.ts` and `main.ts` read `process.env`. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly sinks: readonly SinkName[];
  readonly ackMode: 'upstream' | 'durable';
  readonly awsRegion: string;
  readonly pinpointEndpoint: string | undefined;
  /** Legacy Mobile Analytics app id → Pinpoint application id. */
  readonly appIdMap: ReadonlyMap<string, string>;
  readonly bodyLimit: number;
  readonly inflatedBodyLimit: number;
  /** `'*'` for any origin, else the exact origins allowed. */
  readonly corsOrigins: '*' | readonly string[];
  readonly logLevel: LogLevel;
  readonly dataDir: string;
  readonly spoolSync: 'normal' | 'full';
  readonly spoolMaxEvents: number;
  readonly forwardMaxRps: number;
  readonly forwardConcurrency: number;
  /** How long a partial batch waits for more events before it is sent. */
  readonly forwardLingerMs: number;
  /** Durable mode: deliver from a worker thread (default) or on the HTTP thread. */
  readonly deliveryThread: 'worker' | 'inline';
  readonly shutdownGraceMs: number;
  readonly kinesisStream: string | undefined;
  readonly kinesisEndpoint: string | undefined;
  readonly firehoseStream: string | undefined;
  readonly firehoseEndpoint: string | undefined;
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
  CORS_ORIGINS: string;
  LOG_LEVEL: LogLevel;
  DATA_DIR: string;
  SPOOL_SYNC: Config['spoolSync'];
  SPOOL_MAX_EVENTS: number;
  FORWARD_MAX_RPS: number;
  FORWARD_CONCURRENCY: number;
  FORWARD_LINGER_MS: number;
  DELIVERY_THREAD: Config['deliveryThread'];
  SHUTDOWN_GRACE_MS: number;
  KINESIS_STREAM?: string;
  KINESIS_ENDPOINT?: string;
  FIREHOSE_STREAM?: string;
  FIREHOSE_ENDPOINT?: string;
}

/** Thrown when the environment holds invalid values; the message lists every problem. */
export class ConfigError extends Error {}

const configSchema = loadSchema('config.schema.json');
const schemaProperties = configSchema['properties'] as Record<string, { type?: string }>;
const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: true, strict: true, strictRequired: false });
const validateConfig = ajv.compile(configSchema);

/** Parses `a=b,c=d` into a map. The schema has already checked the shape. */
function parseAppIdMap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of text.split(',').filter(Boolean)) {
    const [from, to] = pair.split('=') as [string, string];
    map.set(from, to);
  }
  return map;
}

/** Parses sizes written as bytes or with a unit (`1mb`, `512kb`), as `BODY_LIMIT=1mb` is natural. */
function parseSize(text: string): number | string {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!match) return text;
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[unit] ?? 1;
  return Math.floor(Number(match[1]) * factor);
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
    raw[name] = name.endsWith('_LIMIT') ? parseSize(value) : value;
  }
  if (!validateConfig(raw)) {
    const problems = (validateConfig.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => {
      const name = e.instancePath.replace(/^\//, '') || String(e.params['missingProperty'] ?? '');
      return `${name}: ${e.message ?? 'invalid'}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${[...new Set(problems)].join('\n  ')}`);
  }
  const v = raw as unknown as ValidatedEnv;
  const corsOrigins = v.CORS_ORIGINS;
  return Object.freeze({
    port: v.PORT,
    host: v.HOST,
    sinks: [...new Set(v.SINK.split(','))] as SinkName[],
    ackMode: v.ACK_MODE,
    awsRegion: v.AWS_REGION,
    pinpointEndpoint: v.PINPOINT_ENDPOINT,
    appIdMap: parseAppIdMap(v.PINPOINT_APP_ID_MAP),
    bodyLimit: v.BODY_LIMIT,
    inflatedBodyLimit: v.INFLATED_BODY_LIMIT,
    corsOrigins: corsOrigins === '*' ? '*' : corsOrigins.split(',').map((o) => o.trim()).filter(Boolean),
    logLevel: v.LOG_LEVEL,
    dataDir: v.DATA_DIR,
    spoolSync: v.SPOOL_SYNC,
    spoolMaxEvents: v.SPOOL_MAX_EVENTS,
    forwardMaxRps: v.FORWARD_MAX_RPS,
    forwardConcurrency: v.FORWARD_CONCURRENCY,
    forwardLingerMs: v.FORWARD_LINGER_MS,
    deliveryThread: v.DELIVERY_THREAD,
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
    kinesisStream: v.KINESIS_STREAM,
    kinesisEndpoint: v.KINESIS_ENDPOINT,
    firehoseStream: v.FIREHOSE_STREAM,
    firehoseEndpoint: v.FIREHOSE_ENDPOINT,
  });
}
