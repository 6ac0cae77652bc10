import { existsSync } from 'node:fs';
import { dayOf } from '../kpis/days';
import {
  answerEventType,
  answerKpi,
  KPI_NAMES,
  kpiOfName,
  KpiRequestError,
  parseKpiQuery,
  type KpiAnswer,
  type KpiName,
  type KpiQuery,
  type RankingAnswer,
} from '../kpis/kpi-catalogue';
import type { KpiQueries } from '../kpis/kpi-queries';
import { eventStorePath } from '../local-store/event-store';
import { StorageError, storageFailureMessage } from '../storage-error';
import { csvRecords } from './csv';
import { kpiGrid, type KpiGrid } from './kpi-grid';
import type { Output } from './output';
import { formatTable } from './text-table';

/** The output formats of `ma2pinpoint kpis`. */
export const KPI_FORMATS = ['table', 'json', 'csv'] as const;

/** What `ma2pinpoint kpis` was asked for, as typed (validated by the command). */
export interface KpisOptions {
  readonly app: string;
  readonly from?: string;
  readonly to?: string;
  /** KPI names; none means every KPI. */
  readonly kpis?: readonly string[];
  /** Custom event types to count. */
  readonly events?: readonly string[];
  readonly format: (typeof KPI_FORMATS)[number];
}

/** Opens the KPI reads of a local store file (the SQLite roll-ups; the oracle in tests). */
export type KpiQueriesFactory = (file: string) => KpiQueries & { close(): void };

/** Where `ma2pinpoint kpis` reads and writes. */
export interface KpisContext {
  /** `DATA_DIR`: the local store is its `events.db`. */
  readonly dataDir: string;
  readonly openQueries: KpiQueriesFactory;
  /** Unix ms now: "today" (UTC) ends the default range. */
  readonly now: () => number;
  readonly io: Output;
}

/** The KPIs asked for: the names given, deduplicated in order; all of them when none is given. */
function kpisAsked(options: KpisOptions): KpiName[] {
  const names = options.kpis ?? [];
  return names.length === 0 ? [...KPI_NAMES] : [...new Set(names.map(kpiOfName))];
}

function formatValue(value: number | undefined, money: boolean): string {
  if (value === undefined) return '';
  if (money) return value.toFixed(2);
  return String(Math.round(value * 10_000) / 10_000);
}

function gridRows(grid: KpiGrid, format: (value: number | undefined, money: boolean) => string): string[][] {
  return [['date', ...grid.columns.map((c) => c.name)], ...grid.dates.map((date, i) => [date, ...grid.columns.map((c) => format(c.values[i], c.money))])];
}

function printTable(answers: readonly KpiAnswer[], query: KpiQuery, io: Output): void {
  const grid = kpiGrid(answers, query.range);
  const blocks: string[] = [];
  if (grid.columns.length > 0) blocks.push(formatTable(gridRows(grid, formatValue), ['left', ...grid.columns.map(() => 'right' as const)]));
  for (const answer of answers) {
    if ('value' in answer) blocks.push(`lifetime users (any event, ever): ${answer.value}`);
    else if ('events' in answer) blocks.push(topEvents(answer));
  }
  io.out(blocks.join('\n\n'));
}

function topEvents(answer: RankingAnswer): string {
  const title = `top custom events ${answer.from} to ${answer.to}:`;
  if (answer.events.length === 0) return `${title} none`;
  return `${title}\n${formatTable([['EVENT', 'COUNT'], ...answer.events.map((e) => [e.name, String(e.count)])], ['left', 'right'])}`;
}

/**
 * `ma2pinpoint kpis --app ID [--from DATE] [--to DATE] [--kpi NAME…] [--event NAME…] [--format]`:
 * the KPIs of one application from the local store, as the admin API answers them. `table`: one
 * row per day, one column per KPI (revenue one per currency), then the lifetime count and the
 * top custom events; `csv`: the same day grid, RFC 4180 (numbers unrounded); `json`: an array of
 * the API's answers, KPIs then events, in the order asked. Returns the exit code: 2 for a bad
 * date, range or KPI name (one line), 1 when there is no local store or it cannot be read.
 */
export function runKpisCommand(options: KpisOptions, context: KpisContext): number {
  const { io } = context;
  let query: KpiQuery;
  let kpis: KpiName[];
  try {
    query = parseKpiQuery(options, dayOf(context.now()));
    kpis = kpisAsked(options);
  } catch (err: unknown) {
    if (!(err instanceof KpiRequestError)) throw err;
    io.err(err.message);
    return 2;
  }
  const file = eventStorePath(context.dataDir);
  if (!existsSync(file)) {
    io.err(`No local store at ${file} (is SINK=local, and has the service received events or 'ma2pinpoint import' run?)`);
    return 1;
  }
  let queries;
  try {
    queries = context.openQueries(file);
  } catch (err: unknown) {
    if (!(err instanceof StorageError)) throw err;
    io.err(err.message);
    return 1;
  }
  let answers: KpiAnswer[];
  try {
    answers = [
      ...kpis.map((kpi) => answerKpi(queries, kpi, query)),
      ...[...new Set(options.events ?? [])].map((event) => answerEventType(queries, event, query)),
    ];
  } catch (err: unknown) {
    const message = storageFailureMessage(err, file, 'local store');
    if (message === undefined) throw err;
    io.err(message);
    return 1;
  } finally {
    queries.close();
  }
  switch (options.format) {
    case 'json':
      io.out(JSON.stringify(answers, null, 2));
      break;
    case 'csv':
      // io.out ends each line with LF; the CR before it makes the CRLF that RFC 4180 asks for.
      for (const record of csvRecords(gridRows(kpiGrid(answers, query.range), (value) => (value === undefined ? '' : String(value))))) io.out(`${record}\r`);
      break;
    case 'table':
      printTable(answers, query, io);
      break;
  }
  return 0;
}
