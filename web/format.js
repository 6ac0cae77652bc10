/** Numbers as the page shows them, in the browser's locale. */

const INTEGER = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const PERCENT = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/** A count. */
export function formatCount(value) {
  return INTEGER.format(value);
}

/** A metric value (sums, minima and maxima of custom metrics can have fractions). */
export function formatNumber(value) {
  return DECIMAL.format(value);
}

/** A ratio (0.5) as a percentage (50%). */
export function formatPercent(ratio) {
  return PERCENT.format(ratio);
}

/** An amount in a currency; `_currency` is whatever the app sent, so a code Intl rejects is shown after the number. */
export function formatMoney(amount, currency) {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount);
  } catch {
    return `${DECIMAL.format(amount)} ${currency}`;
  }
}

/** Milliseconds as `4 min 5 s` (or `5 s`). */
export function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes === 0) return `${seconds} s`;
  return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
}
