import { describeRequest, type FuzzRequest } from './wire';

/** One failing request and why. */
export interface Failure {
  failure: string;
  detail: string;
  /** The failing request; absent for a failure of the run as a whole. */
  request?: FuzzRequest<string>;
  answer: string;
}

interface FailureClass {
  count: number;
  /** The smallest failing requests (by body size), at most `EXAMPLES`. */
  examples: Failure[];
}

const EXAMPLES = 2;

/** Failures grouped by class, keeping the smallest examples of each; the report a failed run prints. */
export class Findings {
  private readonly classes = new Map<string, FailureClass>();

  add(failure: Failure): void {
    const entry = this.classes.get(failure.failure) ?? { count: 0, examples: [] };
    entry.count += 1;
    entry.examples.push(failure);
    entry.examples.sort((a, b) => (a.request?.body.length ?? 0) - (b.request?.body.length ?? 0) || (a.request?.index ?? 0) - (b.request?.index ?? 0));
    entry.examples.length = Math.min(entry.examples.length, EXAMPLES);
    this.classes.set(failure.failure, entry);
  }

  get size(): number {
    return this.classes.size;
  }

  /** Class → count, for the summary. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.classes].map(([name, c]) => [name, c.count]));
  }

  /** The failure message: seed, how to replay, and per class its count and smallest examples. */
  report(header: string): string {
    const parts = [header];
    for (const [name, entry] of this.classes) {
      parts.push(`\n=== ${name}: ${entry.count} request(s) ===`);
      for (const example of entry.examples) {
        parts.push(`--- ${example.detail}${example.answer ? `\nanswer: ${example.answer}` : ''}${example.request ? `\n${describeRequest(example.request)}` : ''}`);
      }
    }
    return parts.join('\n');
  }
}
