import type { Express } from 'express';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createDeps, type Deps } from '../../src/deps';
import { silentLogger } from '../../src/logger';
import { STAND_IN_CREDENTIALS, type PinpointStandIn } from './pinpoint-stand-in';

/** The proxy under test, wired exactly as `main.ts` wires it, pointed at a stand-in. */
export interface TestProxy {
  app: Express;
  deps: Deps;
}

/**
 * Builds the real app via `loadConfig` + `createDeps` in upstream mode with the Pinpoint sink
 * aimed at the stand-in and signing with `STAND_IN_CREDENTIALS`. `env` overrides any variable.
 */
export function createTestProxy(standIn: PinpointStandIn, env: NodeJS.ProcessEnv = {}): TestProxy {
  const config = loadConfig({
    SINK: 'pinpoint',
    ACK_MODE: 'upstream',
    PINPOINT_ENDPOINT: standIn.url,
    AWS_REGION: 'us-east-1',
    LOG_LEVEL: 'silent',
    FORWARD_MAX_RPS: '1000',
    ...env,
  });
  const deps = createDeps(config, silentLogger, { credentials: { ...STAND_IN_CREDENTIALS } });
  return { app: createApp(deps.app), deps };
}
