/**
 * The retention cohort table: a row per cohort day (that day's active users), a column per
 * retention KPI, each cell the users retained and their share of the cohort, shaded by that share.
 */

import { addDays } from './dates.js';
import { formatCount, formatPercent } from './format.js';

/** The retention KPIs as columns: API path, header, and the last day after the cohort day its window covers. */
export const RETENTION_COLUMNS = [
  { key: 'day1', path: 'kpis/day-1-retention/count', header: 'Day 1', lastDay: 1 },
  { key: 'day3', path: 'kpis/day-3-retention/count', header: 'Day 3', lastDay: 3 },
  { key: 'day5', path: 'kpis/day-5-retention/count', header: 'Day 5', lastDay: 5 },
  { key: 'day7', path: 'kpis/day-7-retention/count', header: 'Day 7', lastDay: 7 },
  { key: 'week1', path: 'kpis/week-1-retention/count', header: 'Week 1', lastDay: 7 },
  { key: 'week2', path: 'kpis/week-2-retention/count', header: 'Week 2', lastDay: 14 },
  { key: 'week3', path: 'kpis/week-3-retention/count', header: 'Week 3', lastDay: 21 },
];

/**
 * Fills `table` from the DAU series (the cohort sizes) and one series per column (`retention[key]`,
 * aligned by date). Days without active users have no cohort and no row. A cell whose window ends
 * after `today` is marked as still open: its count can still grow.
 */
export function renderRetention(table, { dau, retention, today }) {
  const head = row([th('Cohort day', 'col'), th('Active users', 'col'), ...RETENTION_COLUMNS.map((c) => th(c.header, 'col'))]);
  const body = document.createElement('tbody');
  dau.forEach((point, index) => {
    if (point.value === 0) return;
    const cells = RETENTION_COLUMNS.map((column) => retentionCell(point, retention[column.key][index].value, column, today));
    const tr = row([th(point.date, 'row'), td(formatCount(point.value), 'cohort-size'), ...cells]);
    tr.dataset.cohort = point.date;
    body.append(tr);
  });
  if (body.childElementCount === 0) {
    const cell = td('No active users in this range.', 'empty');
    cell.colSpan = RETENTION_COLUMNS.length + 2;
    body.append(row([cell]));
  }
  const caption = document.createElement('caption');
  caption.className = 'visually-hidden';
  caption.textContent = 'Retained users and share of each cohort';
  const thead = document.createElement('thead');
  thead.append(head);
  table.replaceChildren(caption, thead, body);
}

function retentionCell(cohort, retained, column, today) {
  const share = retained / cohort.value;
  const cell = document.createElement('td');
  cell.dataset.column = column.key;
  cell.className = `heat heat-${Math.round(share * 10)}`;
  const count = document.createElement('span');
  count.className = 'count';
  count.dataset.kpi = 'retained';
  count.textContent = formatCount(retained);
  const percent = document.createElement('span');
  percent.className = 'share';
  percent.dataset.kpi = 'retained-share';
  percent.textContent = formatPercent(share);
  cell.append(count, percent);
  const windowEnd = addDays(cohort.date, column.lastDay);
  if (windowEnd > today) {
    cell.classList.add('open');
    cell.title = `Still open: the window ends ${windowEnd}`;
    const note = document.createElement('span');
    note.className = 'visually-hidden';
    note.textContent = ` (still open until ${windowEnd})`;
    cell.append(note);
  }
  return cell;
}

function row(cells) {
  const tr = document.createElement('tr');
  tr.append(...cells);
  return tr;
}

function th(text, scope) {
  const cell = document.createElement('th');
  cell.scope = scope;
  cell.textContent = text;
  return cell;
}

function td(text, className) {
  const cell = document.createElement('td');
  cell.className = className;
  cell.textContent = text;
  return cell;
}
