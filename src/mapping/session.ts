import type { Session } from '@aws-sdk/client-pinpoint';
import type { LegacySession } from '../legacy/types';
import { toIsoTimestamp } from './timestamp';

/** Pinpoint types `Session.Duration` as a 32-bit int (about 24.8 days of milliseconds). */
const MAX_DURATION_MS = 2_147_483_647;

function clampDuration(ms: number): number {
  return Math.min(MAX_DURATION_MS, Math.max(0, Math.round(ms)));
}

/**
 * Maps a legacy session to Pinpoint's. Omitted when there is no id or start (Pinpoint requires
 * both; iOS sends events after a stop with a start and no id). When a stop is present and the
 * duration is missing or null (the JS library's NaN bug), Duration = stop − start, since
 * Pinpoint rejects a stop without a Duration. Durations are rounded to integer milliseconds.
 */
export function toPinpointSession(session: LegacySession | undefined): Session | undefined {
  if (!session?.id || !session.startTimestamp) return undefined;
  const start = toIsoTimestamp(session.startTimestamp);
  const result: Session = { Id: session.id, StartTimestamp: start };
  if (session.stopTimestamp) {
    result.StopTimestamp = toIsoTimestamp(session.stopTimestamp);
    const duration = session.duration ?? Date.parse(result.StopTimestamp) - Date.parse(start);
    result.Duration = clampDuration(duration);
  } else if (typeof session.duration === 'number') {
    result.Duration = clampDuration(session.duration);
  }
  return result;
}
