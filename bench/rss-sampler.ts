import { readFileSync } from 'node:fs';

/** Peak resident memory of child processes, sampled from `/proc/<pid>/status` (Linux). */
export interface RssSampler {
  watch(pid: number): void;
  /** Starts a new window for `pid` (e.g. one load round). */
  resetWindow(pid: number): void;
  /** Peak RSS in bytes since the last `resetWindow`, or null when it cannot be read. */
  windowPeak(pid: number): number | null;
  /** Peak RSS in bytes over the whole run. */
  overallPeak(pid: number): number | null;
  stop(): void;
}

/** Reads VmRSS in bytes, or null when the process is gone or `/proc` does not exist. */
function readRss(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Polls every watched pid each `intervalMs` and keeps the peaks. Polling (not a single read at
 * the end) is what catches the burst allocations of large bodies and backlogs.
 */
export function createRssSampler(intervalMs = 100): RssSampler {
  const windows = new Map<number, number>();
  const overall = new Map<number, number>();
  const sample = (pid: number): void => {
    const rss = readRss(pid);
    if (rss === null) return;
    windows.set(pid, Math.max(windows.get(pid) ?? 0, rss));
    overall.set(pid, Math.max(overall.get(pid) ?? 0, rss));
  };
  const timer = setInterval(() => {
    for (const pid of overall.keys()) sample(pid);
  }, intervalMs);
  timer.unref();
  return {
    watch(pid) {
      overall.set(pid, overall.get(pid) ?? 0);
      sample(pid);
    },
    resetWindow(pid) {
      windows.set(pid, 0);
      sample(pid);
    },
    windowPeak: (pid) => windows.get(pid) || null,
    overallPeak: (pid) => overall.get(pid) || null,
    stop: () => {
      clearInterval(timer);
    },
  };
}
