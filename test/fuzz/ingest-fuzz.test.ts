import Database from 'better-sqlite3';
import fc from 'fast-check';
import { detectClientSdk } from '../../src/legacy/client-sdk';
import type { ClientKind } from '../../src/legacy/types';
import { eventStorePath } from '../../src/local-store/event-store';
import { allClientFixtures } from '../fixtures/clients';
import { waitFor } from '../support/legacy-sender';
import { generatedRequest } from './arbitraries';
import { Findings } from './findings';
import { FUZZ_CONCURRENCY, useFuzzTarget } from './fuzz-target';
import { fixtureRequest } from './fixture-mutations';
import { collisionCause, createOracle, expectedEvents, FAILURE, type ExpectedEvent, type Verdict } from './oracle';
import { spoolDiagnostics } from './spool-diagnostics';
import { buildRequest, headerValue, send, USER_AGENTS, type FuzzRequest, type Outcome, type RequestSpec } from './wire';

/**
 * Fuzzes `POST /2014-06-05/events` over real HTTP against one in-process service (durable, local
 * sink). Every answer must be one the legacy clients understand (202 with an empty body, a 4xx
 * with a reason, or "retry later" as the client kind needs it), agree with the service's own
 * decoding and validation, and every acknowledged event must arrive in `events.db`, with an id
 * no other event shares. `FUZZ_SEED` (default fixed), `FUZZ_RUNS` (default 10 000) and
 * `FUZZ_ONLY` (comma-separated request indexes, to replay failures) steer it.
 */

const DEFAULT_SEED = 20261122;
const SEED = Number(process.env['FUZZ_SEED'] ?? DEFAULT_SEED) | 0;
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const ONLY = process.env['FUZZ_ONLY']?.split(',').filter(Boolean).map(Number);
const REQUEST_TIMEOUT_MS = 20_000;
const DRAIN_TIMEOUT_MS = 60_000;


/** Generated requests and mutated fixtures, about half each. */
const requestArbitrary: fc.Arbitrary<RequestSpec> = fc.oneof(
  { weight: 11, arbitrary: generatedRequest },
  { weight: 9, arbitrary: fixtureRequest(allClientFixtures()) },
);

/** Each request has its own seed derived from the run's seed and its index, so one can be replayed alone. */
function requestAt(index: number): FuzzRequest {
  const seed = (Math.imul(SEED ^ 0x5bd1e995, 0x01000193) + Math.imul(index + 1, 0x9e3779b1)) | 0;
  const [spec] = fc.sample(requestArbitrary, { seed, numRuns: 1 });
  return buildRequest(spec as RequestSpec, index);
}

/** "Retry later" as each client kind gets it: 400 ThrottlingException for JS clients, 503 for the others. */
function isRetryLater(kind: ClientKind, status: number, json: Record<string, unknown> | undefined): boolean {
  return kind === 'js' ? status === 400 && json?.['__type'] === 'ThrottlingException' : status === 503;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function summarize(outcome: Outcome): string {
  if (!outcome.answered) return `no answer after ${outcome.ms} ms: ${outcome.error}`;
  const type = outcome.headers['x-amzn-errortype'];
  return `${outcome.status}${type ? ` x-amzn-ErrorType: ${String(type)}` : ''} body ${JSON.stringify(outcome.body.slice(0, 300))}`;
}

function describeVerdict(verdict: Verdict): string {
  return verdict.answer === 'accepted' ? 'accept it' : verdict.answer === 'retry-later' ? `fail (${verdict.reason})` : `refuse it with ${verdict.status} (${verdict.reason})`;
}

/** The problems with one answer, given what the service's own functions decide for the request. */
function judgeAnswer(request: FuzzRequest, outcome: Outcome, verdict: Verdict): Array<{ failure: string; detail: string }> {
  if (!outcome.answered) return [{ failure: 'no answer (hang, timeout or dropped connection)', detail: outcome.error }];
  const problems: Array<{ failure: string; detail: string }> = [];
  const { status, body } = outcome;
  const json = parseJsonObject(body);
  const expected = `the service's own decoding and validation ${describeVerdict(verdict)}`;
  if (outcome.headers['x-amzn-requestid'] === undefined) problems.push({ failure: 'answer without x-amzn-RequestId', detail: `status ${status}` });
  if (status === 202) {
    if (body !== '') problems.push({ failure: '202 with a body (iOS resends forever)', detail: `body of ${body.length} chars` });
    if (verdict.answer !== 'accepted') problems.push({ failure: "acknowledged (202) a request the service's own validation refuses", detail: expected });
  } else if (isRetryLater(request.kind, status, json)) {
    if (verdict.answer === 'refused') {
      problems.push({ failure: 'retry later for a request that can never succeed (the client resends it forever)', detail: expected });
    }
  } else if (status >= 400 && status < 500) {
    if (request.kind === 'ios') {
      if (body !== '') problems.push({ failure: 'iOS 4xx with a body (iOS keeps and resends it)', detail: `status ${status}` });
    } else if (typeof json?.['message'] !== 'string' || json['message'] === '') {
      problems.push({ failure: 'a 4xx without a JSON message', detail: `status ${status}` });
    }
    if (verdict.answer === 'accepted') {
      problems.push({ failure: "refused a request the service's own decoding and validation accept", detail: expected });
    } else if (verdict.answer === 'refused' && verdict.status !== status) {
      problems.push({ failure: "a 4xx other than the service's own decision", detail: `answered ${status}; ${expected}` });
    }
  } else if (status >= 500) {
    problems.push({ failure: 'a 5xx other than the documented retry later', detail: `status ${status} for client kind ${request.kind}` });
  } else {
    problems.push({ failure: 'an unexpected status', detail: `status ${status}` });
  }
  return problems;
}

describe('ingest fuzz: generated and mutated legacy requests over HTTP', () => {
  const target = useFuzzTarget('ma2pinpoint-fuzz-');

  it('the user agents it sends are told apart as the suite expects', () => {
    for (const { kind, headers } of USER_AGENTS) {
      const find = (name: string): string | undefined => headers.find(([n]) => n.toLowerCase() === name)?.[1];
      expect([kind, detectClientSdk(find('user-agent'), find('x-amz-user-agent')).kind]).toEqual([kind, kind]);
    }
  });

  const runs = ONLY ?? Array.from({ length: RUNS }, (_, i) => i);
  it(
    `answers ${runs.length} requests as legacy clients need, and stores every acknowledged event (seed ${SEED})`,
    async () => {
      const started = Date.now();
      const { config } = target;
      const oracle = createOracle({ bodyLimit: config.http.bodyLimit, inflatedBodyLimit: config.http.inflatedBodyLimit });
      const baseUrl = new URL(target.proxy.url);
      const findings = new Findings();
      /** Request index → the events it must have stored. */
      const owed = new Map<number, ExpectedEvent[]>();
      const byId = new Map<string, { identity: string; index: number; applicationId: string; endpointId: string }>();
      const tally = new Map<string, number>();
      const count = (key: string): void => {
        tally.set(key, (tally.get(key) ?? 0) + 1);
      };

      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < runs.length) {
          const index = runs[next++] as number;
          const request = requestAt(index);
          const outcome = await send(target.agent, baseUrl, request, REQUEST_TIMEOUT_MS);
          const verdict = await oracle.verdict(request);
          count(`${request.kind} ${outcome.answered ? outcome.status : 'none'}`);
          const answer = summarize(outcome);
          for (const problem of judgeAnswer(request, outcome, verdict)) findings.add({ ...problem, request, answer });
          if (!outcome.answered || outcome.status !== 202 || verdict.answer !== 'accepted') continue;
          const expected = expectedEvents(verdict);
          for (const finding of expected.findings) findings.add({ ...finding, request, answer });
          owed.set(index, expected.events);
          for (const event of expected.events) {
            const seen = byId.get(event.eventId);
            if (seen === undefined) byId.set(event.eventId, { identity: event.identity, index, applicationId: expected.applicationId, endpointId: expected.endpointId });
            else if (seen.identity !== event.identity) {
              findings.add({
                failure: `event id collision: different events got one id, the store keeps one (${collisionCause(seen, expected)})`,
                detail: `event id ${event.eventId} also belongs to a different event of request #${seen.index}:\n${describeRequestBrief(requestAt(seen.index))}`,
                request,
                answer,
              });
            }
          }
        }
      };
      await Promise.all(Array.from({ length: FUZZ_CONCURRENCY }, worker));
      const sent = Date.now();

      let drained = true;
      try {
        await waitFor(() => target.proxy.deps.spool?.storedEvents() === 0, DRAIN_TIMEOUT_MS, 'the spool to drain');
      } catch {
        drained = false;
      }
      const store = new Database(eventStorePath(target.dataDir), { readonly: true, fileMustExist: true });
      const storedIds = new Set(store.prepare('SELECT event_id FROM events').pluck().all() as string[]);
      store.close();
      const diagnostics = spoolDiagnostics(target.dataDir);
      let owedEvents = 0;
      for (const [index, events] of owed) {
        owedEvents += events.length;
        const missing = events.filter((e) => !storedIds.has(e.eventId));
        if (missing.length === 0) continue;
        findings.add({
          failure: 'acknowledged (202) but the events never reached the store',
          detail: `${missing.length} of ${events.length} events missing (first: ${missing[0]?.eventId ?? ''})${drained ? '' : '; the spool did not drain'}\n${diagnostics}`,
          request: requestAt(index),
          answer: '202',
        });
      }
      if (!drained) {
        findings.add({
          failure: `the spool did not drain within ${DRAIN_TIMEOUT_MS} ms`,
          detail: `${target.proxy.deps.spool?.storedEvents() ?? '?'} events still stored\n${diagnostics}`,
          answer: '',
        });
      }

      // Events no acknowledged request accounts for: stored from a refused request, or (then not a
      // failure of its own) from a 202 whose mapping threw here but not on the delivery side.
      const extra = [...storedIds].filter((id) => !byId.has(id));
      const unmappable = findings.counts()[FAILURE.unmappable] ?? 0;
      if (extra.length > 0 && unmappable === 0) {
        findings.add({
          failure: 'the store holds events that no acknowledged request accounts for',
          detail: `${extra.length} events, e.g. ${extra.slice(0, 3).join(', ')}`,
          answer: '',
        });
      }

      const accepted = owed.size;
      const kinds = new Set([...tally.keys()].map((k) => k.split(' ')[0]));
      const summary = {
        seed: SEED,
        requests: runs.length,
        acknowledged: accepted,
        eventsOwed: owedEvents,
        distinctEventIds: byId.size,
        storedEvents: storedIds.size,
        storedUnaccounted: extra.length,
        sendSeconds: (sent - started) / 1000,
        drainSeconds: (Date.now() - sent) / 1000,
        answers: Object.fromEntries([...tally].sort()),
        failures: findings.counts(),
      };
      console.log(`ingest fuzz summary ${JSON.stringify(summary, null, 1)}`);

      if (findings.size > 0) {
        const replay = `Reproduce: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} npx jest test/fuzz (one request: add FUZZ_ONLY=<index>).`;
        throw new Error(findings.report(`ingest fuzz found ${findings.size} class(es) of failures with seed ${SEED}. ${replay}\nDelivery side: ${diagnostics}`));
      }
      // The run itself must have been meaningful: every client kind hit, and enough acknowledged to test delivery.
      if (!ONLY) {
        expect([...kinds].sort()).toEqual(['android', 'ios', 'js', 'unknown']);
        expect(accepted).toBeGreaterThan(runs.length / 10);
      }
    },
    Math.max(300_000, runs.length * 60),
  );
});

/** A related request in a few lines (the full description is printed for the failing one). */
function describeRequestBrief(request: FuzzRequest): string {
  return [
    `#${request.index} ${request.origin}`,
    `x-amz-Client-Context: ${JSON.stringify((headerValue(request, 'x-amz-client-context') ?? '').slice(0, 400))}`,
    `body base64 (${request.body.length} bytes): ${request.body.subarray(0, 600).toString('base64')}`,
  ].join('\n');
}
