import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from '../../src/forwarder/backoff';
import type { SinkErrorKind } from '../../src/sinks/sink-error';

const low = (): number => 0;
const high = (): number => 1;

/** Kinds retried on the short schedule, and those an operator must fix (long schedule). */
const SHORT_KINDS: SinkErrorKind[] = ['throttled', 'transient', 'invalid', 'too-large'];
const OPERATOR_KINDS: SinkErrorKind[] = ['forbidden', 'not-found'];

describe('backoffDelay with the default policy', () => {
  // [consecutive failures, step in ms]: 0.5 s doubling, capped at 60 s.
  const shortSteps: Array<[number, number]> = [
    [0, 500],
    [1, 500],
    [2, 1000],
    [3, 2000],
    [4, 4000],
    [5, 8000],
    [6, 16_000],
    [7, 32_000],
    [8, 60_000],
    [9, 60_000],
    [20, 60_000],
  ];
  // 15 s doubling, capped at 5 min.
  const operatorSteps: Array<[number, number]> = [
    [0, 15_000],
    [1, 15_000],
    [2, 30_000],
    [3, 60_000],
    [4, 120_000],
    [5, 240_000],
    [6, 300_000],
    [7, 300_000],
    [50, 300_000],
  ];
  const table: Array<[SinkErrorKind, number, number]> = [
    ...SHORT_KINDS.flatMap((kind) => shortSteps.map(([failures, step]): [SinkErrorKind, number, number] => [kind, failures, step])),
    ...OPERATOR_KINDS.flatMap((kind) => operatorSteps.map(([failures, step]): [SinkErrorKind, number, number] => [kind, failures, step])),
  ];

  it.each(table)('%s after %i failures: half the step (%i ms) at random 0, all of it at random 1', (kind, failures, step) => {
    expect(backoffDelay(kind, failures, DEFAULT_BACKOFF, low)).toBe(step / 2);
    expect(backoffDelay(kind, failures, DEFAULT_BACKOFF, high)).toBe(step);
  });

  it.each([...SHORT_KINDS, ...OPERATOR_KINDS])('%s: random 0.5 lands three quarters of the step', (kind) => {
    const step = OPERATOR_KINDS.includes(kind) ? 60_000 : 2000;
    expect(backoffDelay(kind, 3, DEFAULT_BACKOFF, () => 0.5)).toBe(step * 0.75);
  });
});

describe('backoffDelay: bounds', () => {
  const policy: BackoffPolicy = { baseMs: 100, maxMs: 1000, operatorBaseMs: 3000, operatorMaxMs: 10_000 };

  it.each<[SinkErrorKind, number[]]>([
    ['transient', [100, 200, 400, 800, 1000, 1000]],
    ['throttled', [100, 200, 400, 800, 1000, 1000]],
    ['forbidden', [3000, 6000, 10_000, 10_000, 10_000, 10_000]],
    ['not-found', [3000, 6000, 10_000, 10_000, 10_000, 10_000]],
  ])('%s doubles from its base to its cap with a custom policy', (kind, steps) => {
    expect(steps.map((_, i) => backoffDelay(kind, i + 1, policy, high))).toEqual(steps);
    expect(steps.map((_, i) => backoffDelay(kind, i + 1, policy, low))).toEqual(steps.map((s) => s / 2));
  });

  it.each([31, 32, 64, 1024, 1e6, Number.MAX_SAFE_INTEGER, Infinity])('does not overflow after %d failures: stays at the cap', (failures) => {
    for (const kind of [...SHORT_KINDS, ...OPERATOR_KINDS]) {
      const max = OPERATOR_KINDS.includes(kind) ? DEFAULT_BACKOFF.operatorMaxMs : DEFAULT_BACKOFF.maxMs;
      expect(backoffDelay(kind, failures, DEFAULT_BACKOFF, high)).toBe(max);
      expect(backoffDelay(kind, failures, DEFAULT_BACKOFF, low)).toBe(max / 2);
    }
  });

  it('stays at the cap even when the cap is far above base × 2^30', () => {
    const huge: BackoffPolicy = { baseMs: 1, maxMs: Number.MAX_SAFE_INTEGER, operatorBaseMs: 1, operatorMaxMs: Number.MAX_SAFE_INTEGER };
    const delay = backoffDelay('transient', 1e9, huge, high);
    expect(Number.isFinite(delay)).toBe(true);
    expect(delay).toBeGreaterThan(0);
    expect(delay).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  });

  it('stays between half and all of the step for any random value in [0, 1)', () => {
    for (let failures = 1; failures <= 12; failures += 1) {
      const step = Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.baseMs * 2 ** (failures - 1));
      for (const r of [0, 0.001, 0.25, 0.5, 0.75, 0.999, 0.999999]) {
        const delay = backoffDelay('transient', failures, DEFAULT_BACKOFF, () => r);
        expect(delay).toBeGreaterThanOrEqual(step / 2);
        expect(delay).toBeLessThanOrEqual(step);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it('grows (never shrinks) with consecutive failures at a fixed random value', () => {
    for (const kind of [...SHORT_KINDS, ...OPERATOR_KINDS]) {
      const delays = Array.from({ length: 40 }, (_, i) => backoffDelay(kind, i, DEFAULT_BACKOFF, () => 0.3));
      for (let i = 1; i < delays.length; i += 1) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] as number);
    }
  });

  it('calls random once per delay', () => {
    const random = jest.fn(() => 0.5);
    backoffDelay('throttled', 4, DEFAULT_BACKOFF, random);
    expect(random).toHaveBeenCalledTimes(1);
  });
});
