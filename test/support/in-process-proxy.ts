import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServiceServer } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createDeps, type Deps } from '../../src/deps';
import { silentLogger } from '../../src/logger';
import { STAND_IN_CREDENTIALS } from './pinpoint-stand-in';

/** The real service listening on a loopback port inside the test process. */
export interface InProcessProxy {
  url: string;
  deps: Deps;
  close(graceMs?: number): Promise<void>;
}

/** Starts the service from an environment (as `npm start` would), signing with the stand-in's keys. */
export async function startInProcessProxy(env: Record<string, string>): Promise<InProcessProxy> {
  const config = loadConfig({ LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', AWS_REGION: 'us-east-1', ...env });
  const deps = createDeps(config, silentLogger, { credentials: { ...STAND_IN_CREDENTIALS } });
  const server: Server = await new Promise((resolve) => {
    const s = createServiceServer(deps.app).listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    async close(graceMs = 0) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await deps.close(graceMs);
    },
  };
}
