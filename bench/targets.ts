import { join } from 'node:path';
import type { ProcessSpec } from './child-processes';

/** Every server the bench knows how to start. */
export const TARGET_IDS = ['durable-local', 'upstream-pinpoint', 'durable-pinpoint', 'bare', 'express'] as const;
export type TargetId = (typeof TARGET_IDS)[number];

/** The targets of the load table unless `BENCH_TARGETS` says otherwise. */
export const DEFAULT_LOAD_TARGETS: readonly TargetId[] = ['durable-local', 'upstream-pinpoint', 'bare', 'express'];

/** Where the compiled code lives and what a target may point at. */
export interface TargetContext {
  repoRoot: string;
  benchDir: string;
  dataDir: string;
  standInUrl: string;
}

/** A server under test: what it is, and how to start it. */
export interface TargetDefinition {
  id: TargetId;
  label: string;
  isProxy: boolean;
  spec(context: TargetContext): ProcessSpec;
}

/** Fake static credentials: the stand-in ignores signatures, and nothing real is ever read. */
const FAKE_AWS = { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };

function proxy(context: TargetContext, name: string, env: Record<string, string>): ProcessSpec {
  // No admin port: targets run side by side, and the default one (8081) can be taken only once.
  return { name, script: join(context.repoRoot, 'dist', 'main.js'), env: { LOG_LEVEL: 'warn', DATA_DIR: context.dataDir, ADMIN_PORT: 'off', ...env } };
}

/** The target catalogue. */
export const TARGETS: Readonly<Record<TargetId, TargetDefinition>> = {
  'durable-local': {
    id: 'durable-local',
    label: 'ma2pinpoint durable/local',
    isProxy: true,
    spec: (c) => proxy(c, 'durable-local', { ACK_MODE: 'durable', SINK: 'local' }),
  },
  'upstream-pinpoint': {
    id: 'upstream-pinpoint',
    label: 'ma2pinpoint upstream/pinpoint',
    isProxy: true,
    // The limiter is lifted so the row shows the proxy's own cost, not the 15 calls/s quota.
    spec: (c) => proxy(c, 'upstream-pinpoint', { ACK_MODE: 'upstream', SINK: 'pinpoint', PINPOINT_ENDPOINT: c.standInUrl, FORWARD_MAX_RPS: '1000000', ...FAKE_AWS }),
  },
  'durable-pinpoint': {
    id: 'durable-pinpoint',
    label: 'ma2pinpoint durable/pinpoint',
    isProxy: true,
    spec: (c) => proxy(c, 'durable-pinpoint', { ACK_MODE: 'durable', SINK: 'pinpoint', PINPOINT_ENDPOINT: c.standInUrl, FORWARD_MAX_RPS: '15', ...FAKE_AWS }),
  },
  bare: {
    id: 'bare',
    label: 'reference bare node:http',
    isProxy: false,
    spec: (c) => ({ name: 'bare', script: join(c.benchDir, 'reference-bare.js'), env: {} }),
  },
  express: {
    id: 'express',
    label: 'reference naive Express 5',
    isProxy: false,
    spec: (c) => ({ name: 'express', script: join(c.benchDir, 'reference-express.js'), env: {} }),
  },
};

/** Parses `BENCH_TARGETS` (comma-separated ids); unknown ids are an error, not silently skipped. */
export function parseTargetList(text: string | undefined): TargetId[] {
  if (text === undefined || text.trim() === '') return [...DEFAULT_LOAD_TARGETS];
  const ids = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !(TARGET_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) throw new Error(`BENCH_TARGETS: unknown target(s) ${unknown.join(', ')}; known: ${TARGET_IDS.join(', ')}`);
  return [...new Set(ids)] as TargetId[];
}
