/** Dates as the API has them: `YYYY-MM-DD`, UTC calendar days (the KPI days are UTC days). */

const DAY_MS = 86_400_000;

/** Today, UTC. */
export function todayUtc() {
  return new Date().toISOString().slice(0, 10);
}

/** The date `days` days after `date` (before, when negative). */
export function addDays(date, days) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The window the page opens with: 30 days, like the API's default. */
const DEFAULT_DAYS = 30;

/**
 * The range the page shows an application with until the user picks one: the 30 days ending
 * today, or, when the app's last event is older than that window, the 30 days ending on that
 * last day, so an app that stopped sending does not open on a blank page.
 */
export function defaultRange(lastDay, today) {
  const from = addDays(today, 1 - DEFAULT_DAYS);
  if (lastDay !== undefined && lastDay < from) return { from: addDays(lastDay, 1 - DEFAULT_DAYS), to: lastDay };
  return { from, to: today };
}

const SHORT = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** `Sep 7`: chart labels and tile captions. */
export function shortDate(date) {
  return SHORT.format(new Date(`${date}T00:00:00Z`));
}
