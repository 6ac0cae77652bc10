import type { ReplayClientKind } from './replay-request';

/** What a replayed (or dry-run) request was answered. */
export interface ReplayAnswer {
  readonly source: string;
  readonly clientKind: ReplayClientKind;
  /** The HTTP status, or `'error'` when no answer came (connection refused or reset, timeout). */
  readonly status: number | 'error';
  /** From sending the request to the answer's end, ms (0 in a dry run). */
  readonly ms: number;
  /** Why it failed, when it did: the answer's error type or the start of its body, or the network error. */
  readonly detail?: string;
}
