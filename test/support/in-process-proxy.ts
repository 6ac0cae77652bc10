import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createApp, createServiceServer } from '../../src/app';
import { composeAdmin } from '../../src/composition/admin';
import { loadConfig } from '../../src/config';
import { createDeps, type Deps } from '../../src/deps';
import { silentLogger, type Logger } from '../../src/logger';
import { STAND_IN_CREDENTIALS, startPinpointStandIn, type PinpointStandIn } from './pinpoint-stand-in';
import { makeTempDir } from './temp-dir';

/** The real service listening on a loopback port inside the test process. */
export interface InProcessProxy {
  url: string;
  /** The admin port (KPI API, dashboard), when `env` has `ADMIN_PORT` (`'0'`: any free port). */
  adminUrl?: string;
  /** The same app, for supertest (`request(proxy.app)`). */
  app: Express;
  deps: Deps;
  /** Closes connections and the server, then `deps.close(graceMs)` (durable mode: drains that long). */
  close(graceMs?: number): Promise<void>;
}

/** The variables that aim the Pinpoint sink at a stand-in; add `ACK_MODE` and the rest per test. */
export function pinpointStandInEnv(standIn: PinpointStandIn): Record<string, string> {
  return { SINK: 'pinpoint', PINPOINT_ENDPOINT: standIn.url };
}

/** Listens on `port` of `host` and resolves once it does. */
function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

/** Closes a server and every connection it holds. */
async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/**
 * Starts the service from an environment, any ack mode or sink, wired exactly as `main.ts`
 * wires it (`loadConfig` + `createDeps`, then `composeAdmin` on the admin port when `env` names
 * `ADMIN_PORT`), signing with the stand-in's keys. Quiet, loopback only, us-east-1 and delivering
 * inline (the worker thread runs only from the build, and explicit credentials cannot cross to
 * it) unless `env` says otherwise; logs go to `logger`. Without a `DATA_DIR` in `env`, its files
 * (the endpoint profiles, in either ack mode) go to a temporary directory removed on close.
 */
export async function startInProcessProxy(env: Record<string, string>, logger: Logger = silentLogger): Promise<InProcessProxy> {
  const temp = env['DATA_DIR'] === undefined ? makeTempDir('ma2pinpoint-proxy-') : undefined;
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    AWS_REGION: 'us-east-1',
    DELIVERY_THREAD: 'inline',
    ...(temp ? { DATA_DIR: temp.dir } : {}),
    ...env,
  });
  const deps = createDeps(config, logger, { credentials: { ...STAND_IN_CREDENTIALS } });
  const app = createApp(deps.app);
  const server = await listen(createServiceServer(deps.app), config.http.port, config.http.host);
  const { port } = server.address() as AddressInfo;
  const adminPort = env['ADMIN_PORT'] === undefined ? 'off' : config.admin.port;
  const admin = adminPort === 'off' ? undefined : composeAdmin(config, logger, deps.observability);
  const adminServer = admin && adminPort !== 'off' ? await listen(createServer(admin.handler), adminPort, config.admin.host) : undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    ...(adminServer ? { adminUrl: `http://${hostForUrl(config.admin.host)}:${(adminServer.address() as AddressInfo).port}` } : {}),
    app,
    deps,
    async close(graceMs = 0) {
      if (adminServer) await closeServer(adminServer);
      await closeServer(server);
      await deps.close(graceMs);
      admin?.close();
      temp?.remove();
    },
  };
}

/** A host as it appears in a URL: IPv6 addresses in brackets. */
function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The Pinpoint stand-in and the ACK_MODE=upstream proxy in front of it that a test file shares. */
export interface UpstreamProxySuite {
  standIn: PinpointStandIn;
  proxy: InProcessProxy;
}

/**
 * Registers the hooks of a test file that shares one stand-in and one upstream-mode proxy: both
 * start before all tests and close after them, and each test starts with the stand-in's calls and
 * rejections cleared and its default behaviour back. The fields are set once `beforeAll` ran.
 */
export function useUpstreamProxy(): UpstreamProxySuite {
  const suite = {} as UpstreamProxySuite;
  beforeAll(async () => {
    suite.standIn = await startPinpointStandIn();
    suite.proxy = await startInProcessProxy({ ...pinpointStandInEnv(suite.standIn), ACK_MODE: 'upstream' });
  });
  afterAll(async () => {
    await suite.proxy.close();
    await suite.standIn.close();
  });
  beforeEach(() => {
    suite.standIn.calls.length = 0;
    suite.standIn.rejectedRequests.length = 0;
    suite.standIn.setBehavior(undefined);
  });
  return suite;
}
