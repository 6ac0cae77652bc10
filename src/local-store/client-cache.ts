/** What the roll-ups know of one client: its first days and every day it started a session. */
export interface ClientState {
  readonly appId: string;
  readonly clientId: string;
  firstSeen: number;
  firstSession: number | null;
  firstPurchase: number | null;
  /** All the client's active days (complete: loaded whole from the store, then kept up to date). */
  readonly activeDays: Set<number>;
}

interface Entry {
  readonly state: ClientState;
  /** The batch that last used the client, for eviction. */
  usedIn: number;
}

/**
 * The clients the roll-ups touched lately, bounded by the number of active days held (a client's
 * days are loaded whole, so one with a very long history costs its size once, not per event).
 * Live traffic comes from the same devices all day, so most batches find their clients here
 * instead of reading two tables per client. Eviction drops clients not used in the current batch,
 * oldest first.
 *
 * The cache is only correct while this connection is the only writer: the roll-ups clear it when
 * another connection has committed (an import next to the service) and when a transaction fails.
 */
export class ClientCache {
  private readonly entries = new Map<string, Entry>();
  private heldDays = 0;
  private batch = 0;

  constructor(private readonly maxDays: number) {}

  /** Starts a batch: clients used from now on are kept by the next `trim`. */
  startBatch(): void {
    this.batch += 1;
  }

  get(key: string): ClientState | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    entry.usedIn = this.batch;
    return entry.state;
  }

  add(key: string, state: ClientState): void {
    this.entries.set(key, { state, usedIn: this.batch });
    this.heldDays += state.activeDays.size;
  }

  /** A client held here got a new active day. */
  grew(): void {
    this.heldDays += 1;
  }

  /** Drops clients not used in the current batch, oldest first, until the days held fit again. */
  trim(): void {
    let visits = this.entries.size;
    for (const [key, entry] of this.entries) {
      if (this.heldDays <= this.maxDays || visits === 0) return;
      visits -= 1;
      this.entries.delete(key);
      // Used in this batch: kept, moved to the young end so the next trim starts with older ones.
      if (entry.usedIn === this.batch) this.entries.set(key, entry);
      else this.heldDays -= entry.state.activeDays.size;
    }
  }

  clear(): void {
    this.entries.clear();
    this.heldDays = 0;
  }
}
