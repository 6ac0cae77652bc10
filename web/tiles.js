/**
 * The headline tiles: numbers as text, each element marked `data-kpi` with its KPI name. Day
 * KPIs (DAU, MAU, sticky factor) show the range's last day, as the charts end; counts that add up
 * (new users, sessions, revenue per currency) show the range's total.
 */

import { shortDate } from './dates.js';
import { formatCount, formatMoney, formatPercent } from './format.js';

/** Sum of a series' values. */
function total(series) {
  return series.reduce((sum, point) => sum + point.value, 0);
}

/** Revenue over the range per currency, currencies in order. */
export function revenueByCurrency(series) {
  const sums = new Map();
  for (const point of series) sums.set(point.currency, (sums.get(point.currency) ?? 0) + point.value);
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** Fills the tiles under `root` from the API's answers. */
export function renderTiles(root, { lifetime, dau, mau, sticky, newUsers, sessions, revenue }) {
  const set = (kpi, text) => {
    root.querySelector(`[data-kpi="${kpi}"]`).textContent = text;
  };
  const last = (series) => series.at(-1);
  for (const [kpi, answer, format] of [['dau', dau, formatCount], ['mau', mau, formatCount], ['sticky-factor', sticky, formatPercent]]) {
    const point = last(answer.series);
    set(kpi, format(point.value));
    root.querySelector(`[data-day-of="${kpi}"]`).textContent = `on ${shortDate(point.date)}`;
  }
  // The lifetime count is as of the range's last day (users first seen by then).
  set('new-users-lifetime', formatCount(lifetime.value));
  root.querySelector('[data-day-of="new-users-lifetime"]').textContent = `by ${shortDate(dau.series.at(-1).date)}`;
  set('new-users', formatCount(total(newUsers.series)));
  set('sessions', formatCount(total(sessions.series)));
  const amounts = revenueByCurrency(revenue.series).map(([currency, amount]) => {
    const line = document.createElement('span');
    line.dataset.currency = currency;
    line.textContent = formatMoney(amount, currency);
    return line;
  });
  root.querySelector('[data-kpi="daily-revenue"]').replaceChildren(...(amounts.length > 0 ? amounts : ['none']));
}
