import type { Server } from 'node:http';

/**
 * Listens on `HOST`/`PORT` from the environment (loopback and a free port by default) and prints
 * the same `{"message":"listening","port":N}` line as ma2pinpoint, so the bench starts every
 * child process the same way.
 */
export function listenFromEnv(server: Server, name: string): void {
  const host = process.env['HOST'] ?? '127.0.0.1';
  server.listen(Number(process.env['PORT'] ?? 0), host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ message: 'listening', name, host, port })}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  process.on('SIGINT', () => server.close(() => process.exit(0)));
}
