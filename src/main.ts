import type { Server } from 'node:http';
import { createServiceServer } from './app';
import { ConfigError, loadConfig, sinkNames } from './config';
import { createDeps } from './deps';
import { createLogger } from './logger';

/** Starts the service: config → deps → listen; SIGTERM/SIGINT stop it cleanly. */
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
    logger.error('cannot start', { reason: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  const server: Server = createServiceServer(deps.app).listen(configuredPort, host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : configuredPort;
    logger.info('listening', { host, port, ackMode: config.ackMode, sinks: sinkNames(config) });
  });
  // A port already taken (or not ours to bind) is an operator error: say so in one log line, not a stack.
  server.on('error', (err: NodeJS.ErrnoException) => {
    logger.error('cannot listen', { host, port: configuredPort, error: err.code, reason: err.message });
    void deps.close().finally(() => process.exit(1));
  });
  // Longer than a load balancer's idle timeout (ALB: 60 s), so the proxy never closes first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    // Stop accepting, let in-flight requests finish, then flush the spool within the grace time.
    server.close(() => {
      void deps.close(shutdownGraceMs).then(
        () => {
          logger.info('stopped', { storedEvents: deps.spool?.storedEvents() });
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
