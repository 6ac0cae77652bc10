#!/usr/bin/env node
import { openSqliteKpiQueries } from '../local-store/sqlite-kpi-queries';
import { startService } from '../main';
import { processOutput } from './output';
import { runCli } from './program';

// A reader that stops early (`ma2pinpoint events tail | head`) closes the pipe: that ends the
// command quietly, as for any Unix tool, instead of an unhandled EPIPE with a stack.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

/** The `ma2pinpoint` executable: the command line of this process, with its streams, clock and environment. */
void runCli(process.argv.slice(2), {
  io: processOutput,
  env: process.env,
  now: () => Date.now(),
  progress: process.stderr,
  serve: startService,
  openKpiQueries: openSqliteKpiQueries,
}).then((code) => {
  process.exitCode = code;
});
