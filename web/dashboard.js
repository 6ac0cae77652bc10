/**
 * The dashboard: picks an application and a range, asks the admin API for every KPI of it and
 * shows them. Everything it fetches is JSON from its own origin.
 */

import { ApiError, UnauthorizedError, getJson, storeToken, storedToken } from './api.js';
import { drawChart } from './charts.js';
import { renderCustomEvents } from './custom-events.js';
import { defaultRange, todayUtc } from './dates.js';
import { formatCount, formatDuration, formatNumber, formatPercent } from './format.js';
import { RETENTION_COLUMNS, renderRetention } from './retention.js';
import { renderTiles, revenueByCurrency } from './tiles.js';

/** The KPI series the page shows, by the name the page uses, with their API paths. */
const SERIES_PATHS = {
  dau: 'kpis/dau/count',
  mau: 'kpis/mau/count',
  pdau: 'kpis/pdau/count',
  pmau: 'kpis/pmau/count',
  newUsers: 'kpis/new-users/count',
  sessions: 'kpis/sessions/count',
  revenue: 'kpis/daily-revenue/sum',
  sticky: 'kpis/sticky-factor/ratio',
  sessionLength: 'kpis/average-session-length/milliseconds',
};
const LIFETIME_PATH = 'kpis/new-users/lifetime-count';
const TOP_EVENTS_PATH = 'kpis/top-custom-events/count';
const AUTO_REFRESH_MS = 60_000;
/** Errors listed at most; a service that is down would otherwise fill the page with one line per call. */
const MAX_ERRORS = 5;

const byId = (id) => document.getElementById(id);
const appSelect = byId('app');
const fromInput = byId('from');
const toInput = byId('to');
const report = byId('report');

/** Apps from `GET /apps` (`{app, firstDay, lastDay, events}`), by id. */
let apps = new Map();
/** Set once the user (or the page's URL) chose a range: picking another app then keeps it. */
let rangeChosen = false;
/** Each load takes the next number; an answer that arrives after a newer load started is dropped. */
let generation = 0;
let autoRefresh;

function setStatus(text) {
  byId('status').textContent = text;
}

function showErrors(messages) {
  const box = byId('errors');
  const shown = messages.slice(0, MAX_ERRORS).map((message) => {
    const p = document.createElement('p');
    p.textContent = message;
    return p;
  });
  if (messages.length > MAX_ERRORS) shown.push(`… and ${messages.length - MAX_ERRORS} more.`);
  box.replaceChildren(...shown);
  box.hidden = false;
  setStatus('');
}

function clearErrors() {
  byId('errors').hidden = true;
  byId('errors').replaceChildren();
}

/** Shows the token form, saying whether a token was sent and refused or none was given yet. */
function askForToken() {
  byId('token-reason').textContent =
    storedToken() === undefined ? 'The admin API asks for a token (the service\u2019s ADMIN_TOKEN).' : 'The service refused that token. Enter the admin token again.';
  byId('token').hidden = false;
  report.hidden = true;
  setStatus('');
  byId('token-input').focus();
}

/**
 * Awaits every request and returns their answers in order; when any failed, throws one
 * `UnauthorizedError` if the service asked for a token, else an `ApiError` listing every failure.
 */
async function all(requests) {
  const results = await Promise.allSettled(requests);
  const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
  if (failures.some((f) => f instanceof UnauthorizedError)) throw new UnauthorizedError('401');
  if (failures.length > 0) throw new ApiError(failures.map((f) => f.message).join('\n'));
  return results.map((r) => r.value);
}

function handleFailure(error) {
  delete report.dataset.query;
  if (error instanceof UnauthorizedError) askForToken();
  else {
    report.hidden = true;
    showErrors(error.message.split('\n'));
  }
}

/** Loads the application list, selects one and loads its KPIs. */
async function start() {
  const params = new URLSearchParams(location.search);
  let answer;
  try {
    answer = await getJson('apps');
  } catch (error) {
    handleFailure(error);
    return;
  }
  apps = new Map(answer.apps.map((app) => [app.app, app]));
  appSelect.replaceChildren(
    ...[...apps.values()].map((app) => {
      const option = document.createElement('option');
      option.value = app.app;
      option.textContent = `${app.app} (${formatCount(app.events)} events)`;
      return option;
    }),
  );
  if (apps.size === 0) {
    report.hidden = true;
    setStatus('No events stored yet: KPIs appear once the local store holds events (SINK=local).');
    return;
  }
  const wanted = params.get('app');
  if (wanted !== null && apps.has(wanted)) appSelect.value = wanted;
  if (params.has('from') && params.has('to')) {
    fromInput.value = params.get('from');
    toInput.value = params.get('to');
    rangeChosen = true;
  } else {
    applyDefaultRange();
  }
  await load();
}

function applyDefaultRange() {
  const range = defaultRange(apps.get(appSelect.value)?.lastDay, todayUtc());
  fromInput.value = range.from;
  toInput.value = range.to;
}

/** Fetches every KPI of the selected app and range and shows them. */
async function load() {
  const query = { app: appSelect.value, from: fromInput.value, to: toInput.value };
  if (query.app === '' || query.from === '' || query.to === '') {
    showErrors(['Choose an application and both dates.']);
    return;
  }
  const current = ++generation;
  history.replaceState(null, '', `?${new URLSearchParams(query)}`);
  setStatus('Loading…');
  byId('query').setAttribute('aria-busy', 'true');
  try {
    const names = Object.keys(SERIES_PATHS);
    const [lifetime, top, ...rest] = await all([
      getJson(LIFETIME_PATH, query),
      getJson(TOP_EVENTS_PATH, query),
      ...names.map((name) => getJson(SERIES_PATHS[name], query)),
      ...RETENTION_COLUMNS.map((column) => getJson(column.path, query)),
    ]);
    const series = Object.fromEntries(names.map((name, i) => [name, rest[i]]));
    const retention = Object.fromEntries(RETENTION_COLUMNS.map((column, i) => [column.key, rest[names.length + i].series]));
    const events = await all(top.events.map((event) => getJson(`events/${encodeURIComponent(event.name)}/count`, query)));
    if (current !== generation) return;
    render({ lifetime, top, series, retention, eventSeries: new Map(events.map((answer) => [answer.event, answer.series])) });
    clearErrors();
    byId('token').hidden = true;
    // What the report shows, for a reader (or a test) that must know which query it is.
    report.dataset.query = new URLSearchParams(query).toString();
    report.hidden = false;
    setStatus(`Updated ${new Date().toLocaleTimeString()}.`);
  } catch (error) {
    if (current === generation) handleFailure(error);
  } finally {
    if (current === generation) byId('query').removeAttribute('aria-busy');
  }
}

function render({ lifetime, top, series, retention, eventSeries }) {
  const { dau, mau, pdau, pmau, newUsers, sessions, revenue, sticky, sessionLength } = series;
  const dates = dau.series.map((point) => point.date);
  const values = (answer) => answer.series.map((point) => point.value);
  const lastDate = dates.at(-1);
  renderTiles(report, { lifetime, dau, mau, sticky, newUsers, sessions, revenue });

  drawChart(byId('chart-active'), {
    type: 'line',
    dates,
    integer: true,
    format: formatCount,
    series: [
      { label: 'DAU', values: values(dau) },
      { label: 'MAU', values: values(mau) },
      { label: 'Paying DAU', values: values(pdau), dashed: true },
      { label: 'Paying MAU', values: values(pmau), dashed: true },
    ],
    summary: `Daily and monthly active users per day; on ${lastDate}: DAU ${dau.series.at(-1).value}, MAU ${mau.series.at(-1).value}.`,
  });
  drawChart(byId('chart-new-users'), {
    type: 'bar',
    dates,
    integer: true,
    format: formatCount,
    series: [{ label: 'New users', values: values(newUsers) }],
    summary: `New users per day, ${formatCount(values(newUsers).reduce((a, b) => a + b, 0))} in the range.`,
  });
  drawChart(byId('chart-sessions'), {
    type: 'bar',
    dates,
    integer: true,
    format: formatCount,
    series: [{ label: 'Sessions', values: values(sessions), color: '#047857' }],
    summary: `Sessions per day, ${formatCount(values(sessions).reduce((a, b) => a + b, 0))} in the range.`,
  });
  const currencies = revenueByCurrency(revenue.series).map(([currency]) => currency);
  drawChart(byId('chart-revenue'), {
    type: 'bar',
    dates,
    format: formatNumber,
    series: currencies.map((currency) => ({
      label: currency,
      values: dates.map((date) => revenue.series.find((p) => p.date === date && p.currency === currency)?.value ?? 0),
    })),
    summary: currencies.length === 0 ? 'No revenue in the range.' : `Revenue per day in ${currencies.join(', ')}.`,
  });
  drawChart(byId('chart-sticky'), {
    type: 'line',
    dates,
    format: formatPercent,
    max: 1,
    series: [{ label: 'Sticky factor', values: values(sticky), color: '#7e22ce' }],
    summary: `Sticky factor (DAU divided by MAU) per day; ${formatPercent(sticky.series.at(-1).value)} on ${lastDate}.`,
  });
  // In minutes, so the axis steps are round minutes rather than round milliseconds (3 min 20 s).
  drawChart(byId('chart-session-length'), {
    type: 'line',
    dates,
    format: (minutes) => `${formatNumber(minutes)} min`,
    tooltipFormat: (minutes) => formatDuration(minutes * 60_000),
    series: [{ label: 'Average session length', values: values(sessionLength).map((ms) => ms / 60_000), color: '#0e7490' }],
    summary: 'Average session length per day, from the sessions that ended that day.',
  });

  renderRetention(byId('retention'), { dau: dau.series, retention, today: todayUtc() });

  drawChart(byId('chart-events'), {
    type: 'bar',
    dates,
    stacked: true,
    integer: true,
    format: formatCount,
    series: top.events.map((event) => ({ label: event.name, values: (eventSeries.get(event.name) ?? []).map((point) => point.value) })),
    summary: top.events.length === 0 ? 'No custom events in the range.' : `Daily counts of the top custom events: ${top.events.map((e) => e.name).join(', ')}.`,
  });
  renderCustomEvents(byId('events'), top.events, eventSeries);
}

function setAutoRefresh(on) {
  clearInterval(autoRefresh);
  autoRefresh = on
    ? setInterval(() => {
        if (!document.hidden) void load();
      }, AUTO_REFRESH_MS)
    : undefined;
}

byId('query').addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});
appSelect.addEventListener('change', () => {
  if (!rangeChosen) applyDefaultRange();
  void load();
});
for (const input of [fromInput, toInput]) {
  input.addEventListener('change', () => {
    rangeChosen = true;
    if (fromInput.value !== '' && toInput.value !== '') void load();
  });
}
byId('auto-refresh').addEventListener('change', (event) => setAutoRefresh(event.target.checked));
byId('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  storeToken(byId('token-input').value);
  byId('token-input').value = '';
  byId('token').hidden = true;
  void start();
});
// A bug in the page shows in the page, not only in the console.
window.addEventListener('error', (event) => showErrors([`The page failed: ${event.message}`]));
window.addEventListener('unhandledrejection', (event) => showErrors([`The page failed: ${event.reason}`]));

void start();
