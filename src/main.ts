import { createServer, type Server } from 'node:http';
import { createServiceServer } from './app';
import { composeAdmin, type AdminParts } from './composition/admin';
import { ConfigError, loadConfig, sinkNames } from './config';
import { createDeps } from './deps';
import { eventStorePath } from './local-store/event-store';
import { createLogger, type LogFields } from './logger';
import { spoolPath } from './spool/spool-database';
import { endpointStorePath } from './endpoint-profiles/sqlite-endpoint-profile-store';
import { nameDamagedFile } from './sqlite-file';
import { errorCode } from './storage-error';

/**
 * Why start-up failed, as the fields of one `cannot start` line (never a stack): the reason, and
 * the code and file when the error has them. SQLite's "database disk image is malformed" does not
 * say which file: then the files of `DATA_DIR` are checked and the damaged one is named.
 */
function startFailure(err: unknown, dataDir: string): LogFields {
  const named = typeof (err as { path?: unknown } | null)?.path === 'string';
  const error = named
    ? err
    : nameDamagedFile(err, [
        { file: spoolPath(dataDir), kind: 'spool' },
        { file: eventStorePath(dataDir), kind: 'local store' },
        { file: endpointStorePath(dataDir), kind: 'endpoint store' },
      ]);
  const code = errorCode(error);
  const file = (error as { path?: unknown } | null)?.path;
  return {
    reason: error instanceof Error ? error.message : String(error),
    ...(code !== undefined ? { code } : {}),
    ...(typeof file === 'string' ? { path: file } : {}),
  };
}

/** Starts the service: config → deps → listen (ingest, then admin); SIGTERM/SIGINT stop it cleanly. */
export function startService(env: NodeJS.ProcessEnv): void {
  let config;
  try {
    config = loadConfig(env);
  } catch (err: unknown) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const { host, port: configuredPort, shutdownGraceMs } = config.http;
  let deps;
  try {
    deps = createDeps(config, logger);
  } catch (err: unknown) {
    // A DATA_DIR that cannot be used, a damaged spool, a delivery worker that could not open its side.
    logger.error('cannot start', startFailure(err, config.spool.dataDir));
    process.exit(1);
  }
  const started = deps;
  /** Ends start-up with exit code 1 once the spool is closed (nothing was acknowledged yet). */
  const fail = (): void => {
    void started.close().finally(() => process.exit(1));
  };
  let admin: AdminParts | undefined;
  try {
    // After createDeps: its delivery side has created and migrated events.db by now.
    admin = config.admin.port === 'off' ? undefined : composeAdmin(config, logger, deps.observability);
  } catch (err: unknown) {
    logger.error('cannot start', startFailure(err, config.spool.dataDir));
    fail();
    return;
  }
  /** The admin port, on its own server, so stored data is never served on the ingest port. */
  const listenAdmin = (parts: AdminParts, adminHost: string, adminPort: number): Server => {
    const listening: Server = createServer(parts.handler).listen(adminPort, adminHost, () => {
      const address = listening.address();
      logger.info('admin listening', { host: adminHost, port: typeof address === 'object' && address ? address.port : adminPort });
    });
    listening.on('error', (err: NodeJS.ErrnoException) => {
      logger.error('cannot listen', { server: 'admin', host: adminHost, port: adminPort, error: err.code, reason: err.message });
      fail();
    });
    return listening;
  };
  let stopping = false;
  let adminServer: Server | undefined;
  const server: Server = createServiceServer(deps.app).listen(configuredPort, host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : configuredPort;
    logger.info('listening', { host, port, ackMode: config.ackMode, sinks: sinkNames(config) });
    if (admin && config.admin.port !== 'off' && !stopping) adminServer = listenAdmin(admin, config.admin.host, config.admin.port);
  });
  // A port already taken (or not ours to bind) is an operator error: say so in one log line, not a stack.
  server.on('error', (err: NodeJS.ErrnoException) => {
    logger.error('cannot listen', { host, port: configuredPort, error: err.code, reason: err.message });
    fail();
  });
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    // The admin port holds no work in flight worth waiting for: its answers are computed synchronously.
    adminServer?.close();
    adminServer?.closeAllConnections();
    // Stop accepting, let in-flight requests finish, then flush the spool within the grace time.
    server.close(() => {
      void started.close(shutdownGraceMs).then(
        () => {
          admin?.close();
          logger.info('stopped', { storedEvents: started.spool?.storedEvents() });
          process.exit(0);
        },
        (err: unknown) => {
          logger.error('stop failed', { reason: (err as Error).message, stack: (err as Error).stack });
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
}

if (require.main === module) startService(process.env);
