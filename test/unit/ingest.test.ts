import { gzipSync } from 'node:zlib';
import { InflatedTooLargeError } from '../../src/errors';
import { createLegacyValidator } from '../../src/legacy/validator';
import type { ValidatedRequest } from '../../src/mapping/map-legacy-request';
import { createByteBudget } from '../../src/pipeline/byte-budget';
import { createIngest, type InboundRequest } from '../../src/pipeline/ingest';

const CONTEXT = '{ "client" : { "client_id" : "c1", "unknown": {"x": 1} }, "services" : { "mobile_analytics" : { "app_id" : "app-1" } } }';
const EVENT = '{"eventType":"e","timestamp":"2026-11-22T10:00:00.000Z","attributes":{"a":"1"}}';
const MIB = 1024 * 1024;

/** An ingest over a capturing acceptor, with a byte budget the test can read. */
function setup(options: { budgetBytes?: number; inflatedBodyLimit?: number; acceptDelayMs?: number } = {}) {
  const accepted: ValidatedRequest[] = [];
  const budget = createByteBudget(options.budgetBytes ?? MIB);
  let inWork = 0;
  let mostInWork = 0;
  const ingest = createIngest({
    validator: createLegacyValidator(),
    inflatedBodyLimit: options.inflatedBodyLimit ?? 10 * MIB,
    budget,
    acceptor: {
      admit: () => undefined,
      accept: async (request) => {
        inWork += 1;
        mostInWork = Math.max(mostInWork, inWork);
        await new Promise((resolve) => setTimeout(resolve, options.acceptDelayMs ?? 0));
        accepted.push(request);
        inWork -= 1;
      },
      acceptPinpoint: () => Promise.reject(new Error('the legacy ingest handed over a Pinpoint request')),
    },
  });
  return { ingest, accepted, budget, mostInWork: () => mostInWork };
}

function request(body: Buffer, contentEncoding?: string): InboundRequest {
  return { clientContext: CONTEXT, clientContextEncoding: undefined, contentEncoding, sdk: { kind: 'android' }, body, receivedAt: 0 };
}

/** One event followed by `padding` spaces, gzipped: about 10 KB that inflates to `padding` bytes. */
function paddedGzip(padding: number): Buffer {
  return gzipSync(Buffer.from(`{"events":[${EVENT}]${' '.repeat(padding)}}`));
}

describe('ingest', () => {
  it('stores the validated request re-serialized: compact, unknown properties dropped, padding gone', async () => {
    const { ingest, accepted } = setup();
    await expect(ingest(request(paddedGzip(5 * MIB), 'gzip'))).resolves.toBe(1);
    const [stored] = accepted;
    expect(stored?.bodyJson).toBe(`{"events":[${EVENT}]}`);
    expect(stored?.clientContextJson).toBe('{"client":{"client_id":"c1"},"services":{"mobile_analytics":{"app_id":"app-1"}}}');
  });

  it('keeps 50 concurrent gzip bodies that inflate to 10 MB each within the byte budget: one at a time, each alone', async () => {
    const { ingest, accepted, budget, mostInWork } = setup({ acceptDelayMs: 5 });
    const body = paddedGzip(10 * MIB - 200);
    expect(body.length).toBeLessThan(20 * 1024);
    const answers = await Promise.all(Array.from({ length: 50 }, () => ingest(request(body, 'gzip'))));
    expect(answers).toEqual(Array.from({ length: 50 }, () => 1));
    expect(accepted).toHaveLength(50);
    // A body larger than the 1 MiB budget runs alone: never two bombs in memory at once.
    expect(budget.peak()).toBeLessThanOrEqual(10 * MIB);
    expect(mostInWork()).toBe(1);
    expect(budget.inUse()).toBe(0);
  });

  it('lets small bodies share the budget while a bomb waits its turn alone', async () => {
    const { ingest, budget } = setup({ acceptDelayMs: 5 });
    const small = Buffer.from(`{"events":[${EVENT}]}`);
    const bomb = paddedGzip(4 * MIB);
    await Promise.all([...Array.from({ length: 20 }, () => ingest(request(small))), ingest(request(bomb, 'gzip')), ...Array.from({ length: 20 }, () => ingest(request(small)))]);
    expect(budget.peak()).toBeLessThanOrEqual(4 * MIB + 200);
    expect(budget.inUse()).toBe(0);
  });

  it('tries once more within the limit when the gzip trailer understates the size, and refuses past the limit with 413', async () => {
    const lying = paddedGzip(2 * MIB);
    lying.writeUInt32LE(100, lying.length - 4);
    const { ingest, accepted } = setup();
    // A wrong ISIZE also fails gunzip's own check: the body is refused as undecodable, not accepted.
    await expect(ingest(request(lying, 'gzip'))).rejects.toThrow(/could not be decoded|inflated/);
    const concatenated = Buffer.concat([gzipSync(Buffer.from(`{"events":[${EVENT}]`)), gzipSync(Buffer.from(`${' '.repeat(3 * MIB)}}`))]);
    await expect(ingest(request(concatenated, 'gzip'))).resolves.toBe(1);
    expect(accepted).toHaveLength(1);
    const tooLarge = setup({ inflatedBodyLimit: 2 * MIB });
    await expect(tooLarge.ingest(request(paddedGzip(3 * MIB), 'gzip'))).rejects.toBeInstanceOf(InflatedTooLargeError);
    expect(tooLarge.budget.inUse()).toBe(0);
  });
});
