/**
 * The top custom events: their counts over the range (the ranking) and the sum, minimum and
 * maximum of each of their metrics over the range, from the daily aggregates of
 * `GET /events/{name}/count`.
 */

import { formatCount, formatNumber } from './format.js';

/** Every metric of an event over the range: sums added up, the least minimum, the greatest maximum. */
export function metricsOverRange(series) {
  const totals = new Map();
  for (const point of series) {
    for (const [name, m] of Object.entries(point.metrics ?? {})) {
      const known = totals.get(name);
      totals.set(name, known ? { sum: known.sum + m.sum, min: Math.min(known.min, m.min), max: Math.max(known.max, m.max) } : { ...m });
    }
  }
  return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * Fills `table`: a row per event and metric (event name and count span the event's rows), an
 * event without metrics on one row. `ranking` is the top-custom-events answer's `events`,
 * `seriesByName` the `/events/{name}/count` series of each.
 */
export function renderCustomEvents(table, ranking, seriesByName) {
  const headers = ['Event', 'Count', 'Metric', 'Sum', 'Min', 'Max'].map((text) => {
    const cell = document.createElement('th');
    cell.scope = 'col';
    cell.textContent = text;
    return cell;
  });
  const headRow = document.createElement('tr');
  headRow.append(...headers);
  const thead = document.createElement('thead');
  thead.append(headRow);
  const caption = document.createElement('caption');
  caption.className = 'visually-hidden';
  caption.textContent = 'Top custom events with their metrics over the range';
  const bodies = ranking.map((event) => eventRows(event, metricsOverRange(seriesByName.get(event.name) ?? [])));
  if (bodies.length === 0) {
    const empty = document.createElement('tbody');
    const tr = document.createElement('tr');
    const cell = document.createElement('td');
    cell.colSpan = headers.length;
    cell.className = 'empty';
    cell.textContent = 'No custom events in this range.';
    tr.append(cell);
    empty.append(tr);
    bodies.push(empty);
  }
  table.replaceChildren(caption, thead, ...bodies);
}

/** One event's rows in their own tbody, so the rows of an event stay a group. */
function eventRows(event, metrics) {
  const body = document.createElement('tbody');
  body.dataset.event = event.name;
  const span = Math.max(metrics.length, 1);
  const name = document.createElement('th');
  name.scope = 'rowgroup';
  name.rowSpan = span;
  name.textContent = event.name;
  const count = cell(formatCount(event.count), 'event-count');
  count.rowSpan = span;
  const rows = metrics.length === 0 ? [[cell('—'), cell('—'), cell('—'), cell('—')]] : metrics.map(metricCells);
  rows.forEach((cells, index) => {
    const tr = document.createElement('tr');
    if (index === 0) tr.append(name, count);
    tr.append(...cells);
    body.append(tr);
  });
  return body;
}

function metricCells([name, m]) {
  const cells = [cell(name, 'metric'), cell(formatNumber(m.sum), 'metric-sum'), cell(formatNumber(m.min), 'metric-min'), cell(formatNumber(m.max), 'metric-max')];
  for (const c of cells) c.dataset.metric = name;
  return cells;
}

function cell(text, kpi) {
  const td = document.createElement('td');
  if (kpi !== undefined) td.dataset.kpi = kpi;
  td.textContent = text;
  return td;
}
