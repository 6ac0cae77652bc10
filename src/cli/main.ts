#!/usr/bin/env node
import { openSqliteKpiQueries } from '../local-store/sqlite-kpi-queries';
import { startService } from '../main';
import { processOutput } from './output';
import { runCli } from './program';

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
