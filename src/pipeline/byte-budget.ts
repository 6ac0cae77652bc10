/** Bounds how many bytes of request bodies are in work at once, from inflation to the commit. */
export interface ByteBudget {
  /** Runs `work` once `bytes` fit in the budget; a body larger than the whole budget runs alone. */
  run<T>(bytes: number, work: () => Promise<T>): Promise<T>;
  /** Bytes held now. */
  inUse(): number;
  /** The most bytes ever held at once (for tests and the benchmark). */
  peak(): number;
}

/**
 * A FIFO byte semaphore. Inflating, parsing and validating is CPU work on one thread, so letting
 * 50 large batches (the JS library sends up to 256 KB, about a thousand events) or 50 gzip bodies
 * that inflate to megabytes be in memory at the same time buys no throughput; it only multiplies
 * peak memory. Waiting requests hold just their raw bodies. Bytes are counted as they are: a body
 * larger than the budget waits until nothing else is held, then runs alone, so the bytes in work
 * never exceed the larger of the budget and the largest single body.
 */
export function createByteBudget(limit: number): ByteBudget {
  let held = 0;
  let peak = 0;
  const waiting: Array<{ bytes: number; start: () => void }> = [];
  const admit = (): void => {
    for (let next = waiting[0]; next; next = waiting[0]) {
      if (held > 0 && held + next.bytes > limit) return;
      waiting.shift();
      held += next.bytes;
      peak = Math.max(peak, held);
      next.start();
    }
  };
  return {
    async run(bytes, work) {
      await new Promise<void>((start) => {
        waiting.push({ bytes, start });
        admit();
      });
      try {
        return await work();
      } finally {
        held -= bytes;
        admit();
      }
    },
    inUse: () => held,
    peak: () => peak,
  };
}
