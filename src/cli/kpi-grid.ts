import { daysOf, formatDay, type DayRange } from '../kpis/days';
import type { KpiAnswer, SeriesAnswer } from '../kpis/kpi-catalogue';

/** One column of the day grid: a KPI, a currency's revenue, or an event's count or metric. */
export interface GridColumn {
  readonly name: string;
  /** Revenue: shown with two decimals in a table. */
  readonly money: boolean;
  /** One value per day of the grid; undefined where there is none (a metric on a day without the event). */
  readonly values: ReadonlyArray<number | undefined>;
}

/** The KPIs that have a value per day, as one row per day and one column per series. */
export interface KpiGrid {
  readonly dates: readonly string[];
  readonly columns: readonly GridColumn[];
}

const METRIC_PARTS = ['sum', 'min', 'max'] as const;

function columnsOf(answer: SeriesAnswer, dates: readonly string[]): GridColumn[] {
  const valuesOn = (pick: (date: string) => number | undefined): Array<number | undefined> => dates.map(pick);
  if (answer.kpi === 'daily-revenue') {
    const currencies = [...new Set(answer.series.map((p) => p.currency ?? ''))].sort();
    // A range without purchases still shows the column asked for, all zeros.
    if (currencies.length === 0) return [{ name: 'revenue', money: true, values: valuesOn(() => 0) }];
    return currencies.map((currency) => ({
      name: `revenue ${currency}`,
      money: true,
      values: valuesOn((date) => answer.series.find((p) => p.date === date && (p.currency ?? '') === currency)?.value ?? 0),
    }));
  }
  const byDate = new Map(answer.series.map((p) => [p.date, p]));
  if (answer.event === undefined) return [{ name: answer.kpi, money: false, values: valuesOn((date) => byDate.get(date)?.value ?? 0) }];
  const event = answer.event;
  const metrics = [...new Set(answer.series.flatMap((p) => Object.keys(p.metrics ?? {})))].sort();
  return [
    { name: `${event} count`, money: false, values: valuesOn((date) => byDate.get(date)?.value ?? 0) },
    ...metrics.flatMap((metric) =>
      METRIC_PARTS.map((part) => ({ name: `${event} ${metric} ${part}`, money: false, values: valuesOn((date) => byDate.get(date)?.metrics?.[metric]?.[part]) })),
    ),
  ];
}

/**
 * The day grid of KPI answers: one row per day of the range, one column per day-by-day KPI (in
 * the order asked), revenue as one column per currency (`revenue USD`), and per event type its
 * count and each metric's sum, min and max. The lifetime count and the top custom events have no
 * value per day and are not in it.
 */
export function kpiGrid(answers: readonly KpiAnswer[], range: DayRange): KpiGrid {
  const dates = daysOf(range).map(formatDay);
  const series = answers.filter((a): a is SeriesAnswer => 'series' in a);
  return { dates, columns: series.flatMap((answer) => columnsOf(answer, dates)) };
}
