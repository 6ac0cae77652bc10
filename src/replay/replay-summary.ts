import type { ReplayAnswer } from './replay-answer';
import type { ReplayClientKind, ReplayRequest } from './replay-request';

/** How many failed answers and requests not sent the summary names. */
export const SUMMARY_EXAMPLES = 10;

/** How many of the slowest answers the summary names. */
export const SLOWEST_EXAMPLES = 5;

/** A request replay could not send, and why. */
export interface NotSent {
  readonly source: string;
  readonly reason: string;
}

/** What a replay (or dry run) answered, in numbers and examples. */
export interface ReplaySummary {
  /** The status every answer should have. */
  readonly expected: number;
  /** Answers by status (`'error'` for no answer), then by client kind. */
  readonly counts: ReadonlyMap<number | 'error', ReadonlyMap<ReplayClientKind, number>>;
  readonly answers: number;
  /** Answers that were not the expected status, network errors included. */
  readonly unexpected: number;
  /** The slowest answers, slowest first. */
  readonly slowest: readonly ReplayAnswer[];
  /** The first answers that were not the expected status, in the order they came. */
  readonly failed: readonly ReplayAnswer[];
  readonly notSent: number;
  readonly notSentExamples: readonly NotSent[];
}

/** Collects answers into a summary, in bounded memory (counts, and a few examples). Function properties: they are handed around unbound. */
export interface SummaryCollector {
  add: (answer: ReplayAnswer) => void;
  /** A request whose capture holds no body (the service answered it without reading it, or the exporter left it out). */
  notSent: (request: ReplayRequest) => void;
  summary: () => ReplaySummary;
}

/** A collector for answers expected to be `expected` (202 for every call replay sends: PutEvents, legacy or Pinpoint, and UpdateEndpoint). */
export function createSummaryCollector(expected: number): SummaryCollector {
  const counts = new Map<number | 'error', Map<ReplayClientKind, number>>();
  let answers = 0;
  let unexpected = 0;
  let notSent = 0;
  const slowest: ReplayAnswer[] = [];
  const failed: ReplayAnswer[] = [];
  const notSentExamples: NotSent[] = [];
  return {
    add(answer) {
      answers += 1;
      const byKind = counts.get(answer.status) ?? new Map<ReplayClientKind, number>();
      counts.set(answer.status, byKind);
      byKind.set(answer.clientKind, (byKind.get(answer.clientKind) ?? 0) + 1);
      if (answer.status !== expected) {
        unexpected += 1;
        if (failed.length < SUMMARY_EXAMPLES) failed.push(answer);
      }
      if (slowest.length < SLOWEST_EXAMPLES || answer.ms > (slowest.at(-1)?.ms ?? 0)) {
        slowest.push(answer);
        slowest.sort((a, b) => b.ms - a.ms);
        slowest.length = Math.min(slowest.length, SLOWEST_EXAMPLES);
      }
    },
    notSent(request) {
      notSent += 1;
      if (notSentExamples.length < SUMMARY_EXAMPLES) {
        const recorded = request.recordedStatus === undefined ? '' : ` (first answered ${request.recordedStatus})`;
        notSentExamples.push({ source: request.source, reason: `the capture holds no body${recorded}` });
      }
    },
    summary: () => ({ expected, counts, answers, unexpected, slowest: [...slowest], failed: [...failed], notSent, notSentExamples: [...notSentExamples] }),
  };
}

/** The exit code of a replay: 1 when any answer was not the expected status (or no answer came), else 0. */
export function replayExitCode(summary: ReplaySummary): number {
  return summary.unexpected > 0 ? 1 : 0;
}
