import { writeFileSync } from 'node:fs';
import type { Output } from '../../src/cli/output';
import { runCli, type CliContext } from '../../src/cli/program';
import { eventStorePath, openEventStore } from '../../src/local-store/event-store';
import { storedEventOf } from '../support/kpi-events';
import { createKpiOracle } from '../support/kpi-oracle';
import { makeTempDir } from '../support/temp-dir';

/** The command line in-process: what it printed, how it ended, and whether it served. */
describe('ma2pinpoint command line (commander)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let out: string[];
  let err: string[];
  let served: NodeJS.ProcessEnv[];
  let openedKpis: string[];
  const io: Output = { out: (text) => out.push(text), err: (text) => err.push(text) };
  const context = (env: NodeJS.ProcessEnv = { DATA_DIR: temp.dir }): CliContext => ({
    io,
    env,
    now: () => Date.UTC(2026, 10, 5),
    progress: { isTTY: false, write: () => true },
    serve: (e) => served.push(e),
    openKpiQueries: (file) => {
      openedKpis.push(file);
      return { ...createKpiOracle([]), close: () => undefined };
    },
  });

  beforeEach(() => {
    temp = makeTempDir();
    out = [];
    err = [];
    served = [];
    openedKpis = [];
  });
  afterEach(() => temp.remove());

  it('serves without a command, and with serve', async () => {
    expect(await runCli([], context())).toBe(0);
    expect(await runCli(['serve'], context())).toBe(0);
    expect(served).toEqual([{ DATA_DIR: temp.dir }, { DATA_DIR: temp.dir }]);
    expect(out).toEqual([]);
  });

  it.each([[['--help']], [['-h']], [['help']], [['help', 'kpis']], [['kpis', '--help']], [['spool', 'requeue', '--help']], [['import', '-h']]])(
    'prints help for %j on stdout, exit code 0',
    async (args) => {
      expect(await runCli(args, context())).toBe(0);
      expect(out.join('\n')).toMatch(/^Usage: ma2pinpoint /);
      expect(err).toEqual([]);
      expect(served).toEqual([]);
    },
  );

  it('lists every command in the help', async () => {
    await runCli(['--help'], context());
    for (const command of ['serve', 'spool', 'events', 'kpis', 'import']) expect(out.join('\n')).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it.each([
    [['bogus'], "error: unknown command 'bogus'"],
    [['spool', 'bogus'], "error: unknown command 'bogus'"],
    [['events', 'bogus'], "error: unknown command 'bogus'"],
    [['spool', 'requeue'], 'error: give dead letter ids, or --all'],
    [['spool', 'requeue', '--all', '3'], 'error: --all takes no ids'],
    [['spool', 'requeue', 'x'], "error: command-argument value 'x' is invalid for argument 'ids'. expected a whole number of at least 1."],
    [['spool', 'dead-letters', '--limit', '0'], "error: option '--limit <n>' argument '0' is invalid. expected a whole number of at least 1."],
    [['spool', 'dead-letters', '--sink', 'nowhere'], "error: option '--sink <sink>' argument 'nowhere' is invalid. Allowed choices are pinpoint, local, kinesis, firehose."],
    [['events', 'tail', '--limit', '-1'], "error: option '--limit <n>' argument '-1' is invalid. expected a whole number of at least 1."],
    [['spool', 'stats', 'extra'], "error: too many arguments for 'stats'. Expected 0 arguments but got 1."],
    [['kpis'], "error: required option '--app <id>' not specified"],
    [['kpis', '--app', 'a', '--format', 'xml'], "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json, csv."],
    [['import'], "error: missing required argument 'paths'"],
    [['import', 'x', '--batch', 'many'], "error: option '--batch <n>' argument 'many' is invalid. expected a whole number of at least 1."],
  ])('answers %j with the usage, the error and exit code 2', async (args, message) => {
    expect(await runCli(args, context())).toBe(2);
    expect(out).toEqual([]);
    const [usage, error, hint] = err.join('\n').split('\n');
    expect(usage).toMatch(/^Usage: ma2pinpoint /);
    expect(error).toBe(message);
    expect(hint).toMatch(/^See 'ma2pinpoint( [a-z-]+)* --help'\.$/);
  });

  it('shows the help of a command group given no subcommand, as a usage error', async () => {
    expect(await runCli(['spool'], context())).toBe(2);
    expect(err.join('\n')).toMatch(/^Usage: ma2pinpoint spool \[options\] \[command\]\n/);
    expect(err.join('\n')).toMatch(/^ {2}requeue /m);
  });

  it('says what is wrong with the configuration in the environment, exit code 1', async () => {
    expect(await runCli(['spool', 'stats'], context({ DATA_DIR: temp.dir, SINK: 'carrier-pigeon' }))).toBe(1);
    expect(err.join('\n')).toMatch(/^Invalid configuration:\n {2}SINK: /);
  });

  it('imports nothing from an empty directory and says so, exit code 1; a store that cannot be opened stops the import, exit code 1', async () => {
    expect(await runCli(['import', temp.dir], context())).toBe(1);
    expect(err).toEqual([`no records found in ${temp.dir}`]);
    err = [];
    const notADirectory = `${temp.dir}/file`;
    writeFileSync(notADirectory, '');
    writeFileSync(`${temp.dir}/records.jsonl`, '{"event_type":"x"}\n');
    expect(await runCli(['import', `${temp.dir}/records.jsonl`], context({ DATA_DIR: notADirectory }))).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^import stopped: cannot open the local store .*file\/events\.db: /)]);
  });

  it('passes parsed options on: kpis with variadic --kpi and --event, events tail with --app and --limit', async () => {
    writeFileSync(eventStorePath(temp.dir), '');
    expect(await runCli(['kpis', '--app', 'a', '--from', '2026-11-01', '--to', '2026-11-02', '--kpi', 'dau', 'sessions', '--event', 'x', '--format', 'json'], context())).toBe(0);
    expect(openedKpis).toEqual([eventStorePath(temp.dir)]);
    expect((JSON.parse(out.join('\n')) as Array<{ kpi: string }>).map((a) => a.kpi)).toEqual(['dau', 'sessions', 'events']);

    const store = openEventStore(eventStorePath(temp.dir + '/tail'));
    store.insert(['a', 'b', 'c'].map((app, i) => storedEventOf({ eventId: `e${i}`, appId: app === 'c' ? 'b' : app, clientId: 'd', eventType: 'x', day: 20_000 + i })));
    store.close();
    out = [];
    expect(await runCli(['events', 'tail', '--app', 'b', '--limit', '1'], context({ DATA_DIR: `${temp.dir}/tail` }))).toBe(0);
    expect(out.map((line) => (JSON.parse(line) as { event_id: string }).event_id)).toEqual(['e2']);
  });
});
