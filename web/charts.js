/**
 * The page's charts, drawn with Chart.js (the UMD build the proxy serves sets `window.Chart`).
 * A chart is created once per canvas and updated in place on refresh, without animation, so an
 * auto-refresh does not redraw the page from zero every minute.
 */

import { shortDate } from './dates.js';

/** Distinct hues with at least 3:1 contrast against the white background. */
const PALETTE = ['#1d4ed8', '#c2410c', '#047857', '#7e22ce', '#be123c', '#0e7490', '#a16207', '#4d7c0f', '#9d174d', '#334155'];

const charts = new Map();

/**
 * Draws (or updates) a chart on `canvas`: one line or bar dataset per series, over `dates`.
 * `format` renders a value for the axis and, unless `tooltipFormat` is given, the tooltips;
 * `integer` keeps the axis on whole numbers (counts); `max` caps it (a ratio's 100%); `summary`
 * becomes the canvas's accessible name.
 */
export function drawChart(canvas, { type, dates, series, format, tooltipFormat = format, summary, stacked = false, integer = false, max }) {
  const data = {
    labels: dates.map(shortDate),
    datasets: series.map((s, i) => {
      const color = s.color ?? PALETTE[i % PALETTE.length];
      return {
        label: s.label,
        data: s.values,
        borderColor: color,
        backgroundColor: type === 'bar' ? color : `${color}22`,
        borderDash: s.dashed ? [6, 4] : undefined,
        borderWidth: 2,
        pointRadius: dates.length > 45 ? 0 : 2,
        // Monotone curves never overshoot: a smoothed line must not dip below zero or above 100%.
        cubicInterpolationMode: 'monotone',
      };
    }),
  };
  const options = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { display: series.length > 1, position: 'bottom', labels: { boxWidth: 12 } },
      tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${tooltipFormat(item.parsed.y)}` } },
    },
    scales: {
      x: { stacked, ticks: { maxRotation: 0, autoSkipPadding: 12 }, grid: { display: false } },
      y: { stacked, beginAtZero: true, max, grace: '5%', ticks: { callback: (value) => format(value), precision: integer ? 0 : undefined } },
    },
  };
  canvas.setAttribute('aria-label', summary);
  const known = charts.get(canvas);
  if (known) {
    known.data = data;
    known.options = options;
    known.update('none');
    return;
  }
  if (window.Chart === undefined) throw new Error('Chart.js did not load (assets/chart.umd.min.js)');
  charts.set(canvas, new window.Chart(canvas, { type, data, options }));
}
