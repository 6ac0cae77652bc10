/**
 * Collects items from concurrent callers and commits them together: every call made while a
 * commit is pending joins the next one, so many requests share one transaction (and, with
 * SPOOL_SYNC=full, one fsync). Each caller's promise settles with its commit.
 */
export function createGroupCommit<T>(commit: (items: T[]) => void): (item: T) => Promise<void> {
  let queue: Array<{ item: T; resolve: () => void; reject: (err: unknown) => void }> = [];
  const flush = (): void => {
    const batch = queue;
    queue = [];
    try {
      commit(batch.map((entry) => entry.item));
      for (const entry of batch) entry.resolve();
    } catch (err: unknown) {
      for (const entry of batch) entry.reject(err);
    }
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ item, resolve, reject });
    });
}
