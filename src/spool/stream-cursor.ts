/**
 * One sink's position in the spool's stream of rows, the core of at-least-once delivery.
 *
 * Rows are appended with increasing `seq`. For each sink:
 * - `cursor` (persisted in `cursors`): every row up to it has been handled for this sink
 *   (delivered, dead-lettered, recorded as undecodable, or moved to `retries`). After a restart
 *   delivery resumes after it, so a lease that was in flight when the process died is sent again.
 * - `leasedUpTo` (memory only): every row up to it is handled or in a lease. Fresh leases take
 *   rows after it, so concurrent workers of one sink never lease a row twice.
 * - `open`: the fresh leases in flight, in stream order. Leases may settle out of order (worker B
 *   finishes before worker A); the cursor only moves over a prefix of settled leases, so it never
 *   passes a row whose outcome is still unknown.
 * - retries are leased by row, not by range; `retriesInFlight` keeps two workers from leasing
 *   the same due retry.
 */
export class StreamCursor {
  private persisted: number;
  private leasedTo: number;
  private readonly open: Array<{ to: number; settled: boolean }> = [];
  private readonly retriesInFlight = new Set<number>();

  constructor(cursor: number) {
    this.persisted = cursor;
    this.leasedTo = cursor;
  }

  /** Every row up to this seq has been handled for this sink. */
  get cursor(): number {
    return this.persisted;
  }

  /** Every row up to this seq is handled or leased; fresh leases start after it. */
  get leasedUpTo(): number {
    return this.leasedTo;
  }

  /** Records a lease of the fresh rows after `leasedUpTo`, up to and including `to`. */
  leaseFresh(to: number): void {
    this.leasedTo = to;
    this.open.push({ to, settled: false });
  }

  /** Marks the fresh lease ending at `to` settled; returns the new cursor when it moved. */
  settleFresh(to: number): number | undefined {
    const entry = this.open.find((o) => o.to === to);
    if (entry) entry.settled = true;
    const before = this.persisted;
    while (this.open[0]?.settled) this.persisted = this.open.shift()?.to ?? this.persisted;
    return this.persisted === before ? undefined : this.persisted;
  }

  /** Claims a due retry row for one lease; false when another lease holds it. */
  claimRetry(seq: number): boolean {
    if (this.retriesInFlight.has(seq)) return false;
    this.retriesInFlight.add(seq);
    return true;
  }

  /** Releases a retry row claimed with `claimRetry` once its lease settled. */
  releaseRetry(seq: number): void {
    this.retriesInFlight.delete(seq);
  }

  /** How many retry rows are leased now (a due-retry query must look past them). */
  get retriesLeased(): number {
    return this.retriesInFlight.size;
  }
}
