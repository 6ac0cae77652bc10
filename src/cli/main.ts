#!/usr/bin/env node
import { ConfigError, loadConfig, type Config } from '../config';
import { startService } from '../main';
import { StorageError } from '../storage-error';
import { runEventsCommand } from './events-command';
import { runSpoolCommand, type Output } from './spool-command';

const USAGE = `Usage: ma2pinpoint <command>
  serve                                   run the service (the default)
  spool stats [--json]                    spool depth, oldest age and dead letters per sink
  spool dead-letters [--json] [--sink S]  list events a sink refused for good
  spool undecodable [--json] [--sink S]   list spool rows that could not be decoded (kept, never sent)
  spool requeue --all | ID...             send dead letters to their sink again
  events tail [--app ID] [--limit N] [-f] newest events of the local store, as JSON lines
Configuration comes from the environment (DATA_DIR, SINK, ...), as for the service.`;

const io: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

function config(): Config {
  try {
    return loadConfig(process.env);
  } catch (err: unknown) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** The `ma2pinpoint` command line. */
async function runCli(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  switch (command) {
    case 'serve':
      startService(process.env);
      return;
    case 'spool':
      process.exitCode = runSpoolCommand(rest, config(), io);
      return;
    case 'events':
      process.exitCode = await runEventsCommand(rest, config(), io);
      return;
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return;
    default:
      io.err(USAGE);
      process.exitCode = 2;
  }
}

/**
 * Runs the command line. A storage problem (a missing, unreachable or damaged database file) is
 * an operator's matter: one line saying which file and what to do, exit code 1, no stack.
 */
runCli(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof StorageError) {
    io.err(err.message);
    process.exitCode = 1;
    return;
  }
  throw err;
});
