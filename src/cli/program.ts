import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { systemClock } from '../clock';
import { ConfigError, loadConfig, type Config } from '../config';
import { KPI_NAMES } from '../kpis/kpi-catalogue';
import { DRY_RUN_FORMATS, type DryRunFormat } from '../replay/dry-run';
import { StorageError } from '../storage-error';
import { runEventsTail } from './events-command';
import { runImportCommand } from './import-command';
import type { ProgressStream } from './progress-display';
import { KPI_FORMATS, runKpisCommand, type KpiQueriesFactory, type KpisOptions } from './kpis-command';
import type { Output } from './output';
import { runReplayCommand } from './replay-command';
import { runSpoolCommand } from './spool-command';

/** Exit code of a command line that does not parse (unknown command or option, bad value). */
export const USAGE_EXIT_CODE = 2;

/** Events per insert transaction of `ma2pinpoint import` unless `--batch` says otherwise. */
const DEFAULT_IMPORT_BATCH = 1000;

/** Requests in flight at once of `ma2pinpoint replay` unless `--concurrency` says otherwise. */
const DEFAULT_REPLAY_CONCURRENCY = 8;

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

/** A number > 0, for `--rate` (0.5 is one request every two seconds). */
function positiveNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('expected a number greater than 0.');
  return number;
}

/** An HTTP status code, for `--expect`. */
function httpStatus(value: string): number {
  const number = Number(value);
  if (!/^\d{3}$/.test(value) || number < 100 || number > 599) throw new InvalidArgumentError('expected an HTTP status code (100 to 599).');
  return number;
}

/** An http(s) base URL without query or fragment, for `--target`. */
function targetUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http:// or https:// URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http:// or https:// URL.');
  if (url.search !== '' || url.hash !== '') throw new InvalidArgumentError('expected a base URL without query or fragment (the recorded path and query are appended).');
  return url;
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
 * `events tail`, `kpis`, `import`, `replay`, each with `--help`. Actions report their exit code through
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

  const replay = program
    .command('replay')
    .description('send recorded requests (legacy and Pinpoint PutEvents, UpdateEndpoint; recordings, HAR files) again, or show what the service makes of them (--dry-run)')
    .usage('<paths...> (--target <url> [options] | --dry-run [--format <format>])')
    .argument('<paths...>', 'recording files (RECORD_DIR), HAR files, and directories of them (read recursively, in name order)')
    .option('--target <url>', 'base URL to send to; each recorded path and query is appended (required unless --dry-run)', targetUrl)
    .option('--rate <n>', 'at most this many requests started per second', positiveNumber)
    .option('--concurrency <n>', 'requests in flight at once', positiveInteger, DEFAULT_REPLAY_CONCURRENCY)
    .option('--retime', 'keep the recorded spacing between requests (--rate still caps)')
    .option('--sign', 'sign each request again with SigV4 for mobileanalytics (AWS_REGION, standard AWS credentials)')
    .option('--expect <status>', 'the status every answer should have', httpStatus, 202)
    .option('--dry-run', 'send nothing: run each request through the pipeline in-process and print one JSON line per request')
    .addOption(new Option('--format <format>', 'what --dry-run prints for an accepted request (default: putevents)').choices(DRY_RUN_FORMATS))
    .addHelpText(
      'after',
      '\nExit code 0 when every answer was --expect; 1 when one was not (or no answer came), or an input cannot be read; 2 for a command line that does not parse.',
    );
  replay.action(
    async (paths: string[], options: { target?: URL; rate?: number; concurrency: number; retime?: true; sign?: true; expect: number; dryRun?: true; format?: DryRunFormat }) => {
      const usage = (message: string): never => replay.error(`error: ${message}`, { exitCode: USAGE_EXIT_CODE, code: 'ma2pinpoint.usage' });
      const sending = ['target', 'rate', 'retime', 'sign', 'concurrency'].filter((name) => replay.getOptionValueSource(name) === 'cli');
      if (options.dryRun === true && sending.length > 0) usage(`--dry-run sends nothing: leave out ${sending.map((name) => `--${name}`).join(', ')}`);
      if (options.dryRun !== true && options.format !== undefined) usage('--format applies to --dry-run only');
      if (options.dryRun !== true && options.target === undefined) usage('--target <url> is required (or --dry-run)');
      const mode =
        options.target === undefined
          ? { dryRun: { format: options.format ?? 'putevents' } }
          : {
              send: {
                target: options.target,
                concurrency: options.concurrency,
                retime: options.retime === true,
                sign: options.sign === true,
                ...(options.rate !== undefined ? { rate: options.rate } : {}),
              },
            };
      setExitCode(await runReplayCommand({ paths, expect: options.expect, mode }, { io, progress: context.progress, clock: systemClock, env: context.env, config }));
    },
  );

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
