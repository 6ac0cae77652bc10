import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config';
import { KPI_NAMES } from '../kpis/kpi-catalogue';
import { StorageError } from '../storage-error';
import { runEventsTail } from './events-command';
import { runImportCommand } from './import-command';
import type { ProgressStream } from './import-progress';
import { KPI_FORMATS, runKpisCommand, type KpiQueriesFactory, type KpisOptions } from './kpis-command';
import type { Output } from './output';
import { runSpoolCommand } from './spool-command';

/** Exit code of a command line that does not parse (unknown command or option, bad value). */
export const USAGE_EXIT_CODE = 2;

/** Events per insert transaction of `ma2pinpoint import` unless `--batch` says otherwise. */
const DEFAULT_IMPORT_BATCH = 1000;

/** What the commands need from outside; the process's own in `main.ts`, fakes in tests. */
export interface CliContext {
  readonly io: Output;
  /** The environment the configuration is read from, as the service reads it. */
  readonly env: NodeJS.ProcessEnv;
  /** Unix ms now. */
  readonly now: () => number;
  /** Standard error, for progress displays. */
  readonly progress: ProgressStream;
  /** Runs the service (`ma2pinpoint serve`). */
  readonly serve: (env: NodeJS.ProcessEnv) => void;
  readonly openKpiQueries: KpiQueriesFactory;
}

/** A whole number ≥ 1, for `--limit`, `--batch` and dead letter ids. */
function positiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return number;
}

/** Collects a variadic argument's values through `parse`. */
function each<T>(parse: (value: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}

/** Commander writes whole lines ending in a newline; `Output` adds its own. */
function chomp(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/**
 * Errors of a command line start with that command's usage (as the hand-written parser did, and
 * scripts match on `Usage: ma2pinpoint`), then commander's message and where to read more.
 */
function usageBeforeErrors(command: Command): void {
  const usage = command.createHelp().commandUsage(command);
  const name = usage.slice(0, usage.length - command.usage().length).trimEnd();
  command.configureOutput({
    outputError: (message, write) => {
      write(`Usage: ${usage}\n${message}See '${name} --help'.\n`);
    },
  });
  for (const sub of command.commands) usageBeforeErrors(sub);
}

/**
 * The `ma2pinpoint` command line (commander): `serve`, `spool stats|dead-letters|undecodable|requeue`,
 * `events tail`, `kpis`, `import`, each with `--help`. Actions report their exit code through
 * `setExitCode`; parse errors are thrown as `CommanderError` (see `runCli`).
 */
export function buildProgram(context: CliContext, setExitCode: (code: number) => void): Command {
  const { io } = context;
  const config = (): Config => loadConfig(context.env);
  const program = new Command('ma2pinpoint')
    .description('Legacy Amazon Mobile Analytics traffic to Amazon Pinpoint, Kinesis, Firehose or a local store: the service and its tools.')
    .addHelpText('after', '\nWithout a command, ma2pinpoint serves. Configuration comes from the environment (DATA_DIR, SINK, ...), as for the service.')
    .configureOutput({
      writeOut: (text) => {
        io.out(chomp(text));
      },
      writeErr: (text) => {
        io.err(chomp(text));
      },
    })
    .exitOverride()
    .showSuggestionAfterError();

  program
    .command('serve')
    .description('run the service (the default)')
    .action(() => {
      context.serve(context.env);
    });

  const spool = program
    .command('spool')
    .description('inspect and repair the spool of DATA_DIR (also while the service runs)')
    .addHelpText('after', '\nA spool that cannot be opened, or is damaged, is one line on stderr and exit code 1.');
  spool
    .command('stats')
    .description('check the file, then: stored events; per sink depth, retries, oldest age and dead letters')
    .option('--json', 'print JSON')
    .action((options: { json?: true }) => {
      setExitCode(runSpoolCommand({ command: 'stats', json: options.json === true }, config(), io));
    });
  for (const [name, description] of [
    ['dead-letters', 'list events a sink refused for good, with its message'],
    ['undecodable', 'list spool rows that could not be decoded (kept aside, never sent)'],
  ] as const) {
    spool
      .command(name)
      .description(description)
      .option('--json', 'print JSON')
      .addOption(new Option('--sink <sink>', 'only this sink').choices(['pinpoint', 'local', 'kinesis', 'firehose']))
      .option('--limit <n>', 'at most this many', positiveInteger, 100)
      .action((options: { json?: true; sink?: string; limit: number }) => {
        const sink = options.sink !== undefined ? { sink: options.sink } : {};
        setExitCode(runSpoolCommand({ command: name, json: options.json === true, limit: options.limit, ...sink }, config(), io));
      });
  }
  const requeue = spool
    .command('requeue')
    .description('send dead letters again, to the sink that refused them only')
    .usage('--all | ID...')
    .argument('[ids...]', 'dead letter ids (spool dead-letters lists them)', each(positiveInteger))
    .option('--all', 'every dead letter');
  requeue.action((ids: number[] | undefined, options: { all?: true }) => {
    const given = ids ?? [];
    if (options.all === true && given.length > 0) requeue.error('error: --all takes no ids', { exitCode: USAGE_EXIT_CODE, code: 'ma2pinpoint.usage' });
    if (options.all !== true && given.length === 0) requeue.error('error: give dead letter ids, or --all', { exitCode: USAGE_EXIT_CODE, code: 'ma2pinpoint.usage' });
    setExitCode(runSpoolCommand({ command: 'requeue', ids: options.all === true ? 'all' : given }, config(), io));
  });

  program
    .command('events')
    .description('read the local store (DATA_DIR/events.db)')
    .command('tail')
    .description('print the newest events as JSON lines (event-stream records), oldest first')
    .option('--app <id>', 'only this application')
    .option('--limit <n>', 'how many of the newest events', positiveInteger, 20)
    .option('-f, --follow', 'keep printing new events')
    .action(async (options: { app?: string; limit: number; follow?: true }) => {
      setExitCode(await runEventsTail({ limit: options.limit, follow: options.follow === true, ...(options.app !== undefined ? { app: options.app } : {}) }, config(), io));
    });

  program
    .command('kpis')
    .description("an application's KPIs per UTC day, from the local store")
    .requiredOption('--app <id>', 'the application id')
    .option('--from <date>', 'first day, YYYY-MM-DD (default: 30 days ending --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD, inclusive (default: today, UTC)')
    .option('--kpi <name...>', `KPIs to show (default: all): ${KPI_NAMES.join(', ')}`)
    .option('--event <name...>', 'custom event types to count per day, with their metrics')
    .addOption(new Option('--format <format>', 'table, json (the API answers) or csv (the day grid)').choices(KPI_FORMATS).default('table'))
    .action((options: { app: string; from?: string; to?: string; kpi?: string[]; event?: string[]; format: KpisOptions['format'] }) => {
      const asked: KpisOptions = {
        app: options.app,
        format: options.format,
        ...(options.from !== undefined ? { from: options.from } : {}),
        ...(options.to !== undefined ? { to: options.to } : {}),
        ...(options.kpi !== undefined ? { kpis: options.kpi } : {}),
        ...(options.event !== undefined ? { events: options.event } : {}),
      };
      setExitCode(runKpisCommand(asked, { dataDir: config().spool.dataDir, openQueries: context.openKpiQueries, now: context.now, io }));
    });

  program
    .command('import')
    .description('load Pinpoint event-stream records (JSON Lines or concatenated, gzipped or not) into the local store')
    .argument('<paths...>', 'files, and directories to read recursively (hidden entries skipped)')
    .option('--batch <n>', 'events per insert transaction', positiveInteger, DEFAULT_IMPORT_BATCH)
    .addHelpText('after', '\nImporting the same records again adds nothing: ids are event_id, else a hash of the record.')
    .action(async (paths: string[], options: { batch: number }) => {
      setExitCode(await runImportCommand({ paths, batchSize: options.batch }, { dataDir: config().spool.dataDir, io, progress: context.progress, now: context.now }));
    });

  usageBeforeErrors(program);
  return program;
}

/**
 * Runs the command line `argv` (without node and the script) and returns the exit code: the
 * command's, 0 after help, `USAGE_EXIT_CODE` when the line does not parse, 1 for invalid
 * configuration or a storage problem (one line, no stack). No arguments means `serve`.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(context, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv.length === 0 ? ['serve'] : [...argv], { from: 'user' });
  } catch (err: unknown) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
    // A missing, unreachable or damaged database file, or invalid settings, are an operator's matter.
    if (err instanceof ConfigError || err instanceof StorageError) {
      context.io.err(err.message);
      return 1;
    }
    throw err;
  }
  return exitCode;
}
