import { createProgressDisplay, formatBytes } from '../../src/cli/import-progress';
import { PLAIN_PROGRESS_INTERVAL_MS } from '../../src/cli/progress-display';

const progress = (bytesRead: number) => ({ bytesRead, totalBytes: 2_000_000, records: bytesRead / 100, imported: bytesRead / 200 });

describe('import progress display', () => {
  it('prints a plain line at most every few seconds when stderr is not a terminal', () => {
    const written: string[] = [];
    let now = 0;
    const display = createProgressDisplay({ isTTY: false, write: (text: string) => written.push(text) }, () => now);
    for (let step = 1; step <= 30; step++) {
      now += 1000;
      display.update(progress(step * 50_000));
    }
    display.stop();
    expect(written).toHaveLength(Math.floor(30_000 / PLAIN_PROGRESS_INTERVAL_MS));
    expect(written[0]).toBe('importing: 250.0 kB of 2.0 MB (12%), 2500 records read, 1250 imported\n');
    expect(written.every((line) => !line.includes('\x1b'))).toBe(true);
  });

  it('draws a bar of the bytes read on a terminal, and ends it', () => {
    let written = '';
    const display = createProgressDisplay({ isTTY: true, write: (text: string) => (written += text) }, () => 0);
    display.update(progress(0));
    display.update(progress(2_000_000));
    display.stop();
    expect(written).toMatch(/importing \[[█░]+\] 100% \| 2\.0 MB of 2\.0 MB \| 20000 records read, 10000 imported/);
    expect(written.endsWith('\n')).toBe(true);
  });

  it.each([
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1_234_567, '1.2 MB'],
    [5e12, '5.0 TB'],
  ])('writes %i bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
