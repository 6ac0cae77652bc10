/** Bounds how many bytes of request bodies are being parsed, mapped and stored at once. */
export interface ByteBudget {
  /** Runs `work` once `bytes` fit in the budget (a body larger than the budget runs alone). */
  run<T>(bytes: number, work: () => Promise<T>): Promise<T>;
}

/**
 * A FIFO byte semaphore. Parsing and mapping is CPU work on one thread, so letting 50 large
 * batches (the JS library sends up to 256 KB, about a thousand events) turn into objects at the
 * same time buys no throughput; it only multiplies peak memory. Waiting requests hold just their
 * raw bodies.
 */
export function createByteBudget(limit: number): ByteBudget {
  let inUse = 0;
  const waiting: Array<{ bytes: number; start: () => void }> = [];
  const admit = (): void => {
    while (waiting.length > 0) {
      const next = waiting[0] as { bytes: number; start: () => void };
      if (inUse > 0 && inUse + next.bytes > limit) return;
      waiting.shift();
      inUse += next.bytes;
      next.start();
    }
  };
  return {
    async run(bytes, work) {
      const cost = Math.min(bytes, limit);
      await new Promise<void>((start) => {
        waiting.push({ bytes: cost, start });
        admit();
      });
      try {
        return await work();
      } finally {
        inUse -= cost;
        admit();
      }
    },
  };
}
