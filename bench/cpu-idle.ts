import { readFileSync } from 'node:fs';

/** User + system CPU time of a process in clock ticks, or null when it cannot be read. */
function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/**
 * Waits until every process in `pids` uses under ~5 % of a core over a 200 ms window (or
 * `maxMs` passes). autocannon abandons in-flight requests when a round ends, and a slow target
 * keeps working on them; without this, that backlog would eat into the next target's round.
 */
export async function waitForIdle(pids: readonly number[], maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  let before = pids.map(cpuTicks);
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = pids.map(cpuTicks);
    const busy = after.some((ticks, i) => ticks !== null && before[i] !== null && ticks - (before[i] as number) > 1);
    if (!busy) return;
    before = after;
  }
}
