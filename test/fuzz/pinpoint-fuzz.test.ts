import Database from 'better-sqlite3';
import fc from 'fast-check';
import { eventStorePath } from '../../src/local-store/event-store';
import { detectPinpointSender } from '../../src/pinpoint-api/pinpoint-sender';
import { waitFor } from '../support/legacy-sender';
import { Findings } from './findings';
import { FUZZ_CONCURRENCY, useFuzzTarget } from './fuzz-target';
import { pinpointRequestArbitrary } from './pinpoint-arbitraries';
import { judgePinpointAnswer, summarizeAnswer } from './pinpoint-answer-checks';
import { EndpointLedger, type LedgerProblem } from './pinpoint-endpoint-ledger';
import { EventLedger, type StoredRow } from './pinpoint-event-ledger';
import { pinpointFixtures } from './pinpoint-fixtures';
import { createPinpointOracle, sentEvents, type PinpointVerdict } from './pinpoint-oracle';
import { buildPinpointRequest, PINPOINT_USER_AGENTS, type PinpointFuzzRequest, type PinpointRequestSpec } from './pinpoint-wire';
import { spoolDiagnostics } from './spool-diagnostics';
import { headerValue, send, type Outcome } from './wire';

/**
 * Fuzzes the Pinpoint-native routes (`/v1/apps/{id}/events`, `…/events/legacy`, `…/endpoints/{id}`)
 * over real HTTP against one in-process service (durable, local sink). Every answer must be what
 * the service's own functions decide (`pinpoint-oracle.ts`) in Pinpoint's shape: PutEvents 202 with
 * an entry for every endpoint and event id sent, UpdateEndpoint 202, GetEndpoint 200 or 404 as the
 * run's UpdateEndpoint calls allow, errors with `x-amzn-ErrorType` and `{"Message","RequestID"}`;
 * never "retry later" (the spool is far from full). At the end every event answered "Accepted" is
 * in `events.db` once, under its `pinpointEventId`, as mapped; nothing answered 400 or refused is;
 * each endpoint's final profile holds the latest `EffectiveDate`'s call; the service still answers
 * `/healthz`. `FUZZ_SEED` (default fixed), `FUZZ_RUNS` (default 8 000) and `FUZZ_ONLY`
 * (comma-separated request indexes, to replay failures) steer it.
 */

const DEFAULT_SEED = 20261129;
const SEED = Number(process.env['FUZZ_SEED'] ?? DEFAULT_SEED) | 0;
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 8_000);
const ONLY = process.env['FUZZ_ONLY']?.split(',').filter(Boolean).map(Number);
const REQUEST_TIMEOUT_MS = 20_000;
const DRAIN_TIMEOUT_MS = 60_000;
/** At most this many endpoints get a final GetEndpoint (each costs one request). */
const FINAL_READS = 500;


/** The service's view of who sent a request (it decides the "retry later" answer). */
function senderOf(request: PinpointFuzzRequest): ReturnType<typeof detectPinpointSender>['kind'] {
  return detectPinpointSender(headerValue(request, 'user-agent'), headerValue(request, 'x-amz-user-agent')).kind;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** True when a PutEvents answer calls an event "Accepted" (202): the sender deletes it. */
function answeredAccepted(answer: Record<string, unknown> | undefined, endpointId: string, key: string): boolean {
  const results = answer?.['Results'] as Record<string, { EventsItemResponse?: Record<string, { StatusCode?: unknown; Message?: unknown }> }> | undefined;
  const item = results !== undefined && Object.hasOwn(results, endpointId) ? results[endpointId] : undefined;
  const entries = item?.EventsItemResponse;
  const entry = entries !== undefined && Object.hasOwn(entries, key) ? entries[key] : undefined;
  return entry?.StatusCode === 202 && entry.Message === 'Accepted';
}

/** The verdict's operation, for the tally. */
function operationOf(verdict: PinpointVerdict): string {
  switch (verdict.answer) {
    case 'events-taken':
      return 'PutEvents';
    case 'endpoint-stored':
      return 'UpdateEndpoint';
    case 'endpoint-read':
      return 'GetEndpoint';
    case 'refused':
      return verdict.operation?.name ?? 'no operation';
    case 'crashed':
      return 'crashed';
  }
}

describe('Pinpoint fuzz: generated and mutated Pinpoint API requests over HTTP', () => {
  const target = useFuzzTarget('ma2pinpoint-pinpoint-fuzz-');

  it('the user agents it sends are told apart as the suite expects', () => {
    for (const { kind, headers } of PINPOINT_USER_AGENTS) {
      const find = (name: string): string | undefined => headers.find(([n]) => n.toLowerCase() === name)?.[1];
      expect([kind, detectPinpointSender(find('user-agent'), find('x-amz-user-agent')).kind]).toEqual([kind, kind]);
    }
  });

  const runs = ONLY ?? Array.from({ length: RUNS }, (_, i) => i);
  it(
    `answers ${runs.length} requests as Pinpoint's senders need, and stores every Accepted event (seed ${SEED})`,
    async () => {
      const started = Date.now();
      const { config } = target;
      const limits = { pinpointBodyLimit: config.http.pinpointBodyLimit, inflatedBodyLimit: config.http.inflatedBodyLimit };
      const arbitrary = pinpointRequestArbitrary(pinpointFixtures(), limits);
      /** Each request has its own seed derived from the run's seed and its index, so one can be replayed alone. */
      const requestAt = (index: number): PinpointFuzzRequest => {
        const seed = (Math.imul(SEED ^ 0x2545f491, 0x01000193) + Math.imul(index + 1, 0x9e3779b1)) | 0;
        const [spec] = fc.sample(arbitrary, { seed, numRuns: 1 });
        return buildPinpointRequest(spec as PinpointRequestSpec, index);
      };
      const oracle = createPinpointOracle(limits);
      const baseUrl = new URL(target.proxy.url);
      const findings = new Findings();
      const events = new EventLedger();
      const endpoints = new EndpointLedger();
      const tally = new Map<string, number>();
      const count = (key: string): void => {
        tally.set(key, (tally.get(key) ?? 0) + 1);
      };
      const report = (problems: readonly LedgerProblem[], answer = ''): void => {
        for (const { index, ...problem } of problems) findings.add({ ...problem, answer, ...(index === undefined ? {} : { request: requestAt(index) }) });
      };

      /** Books what a request's answer means for the run's events and endpoint profiles. */
      const book = (request: PinpointFuzzRequest, verdict: PinpointVerdict, outcome: Outcome, sentAt: number, answeredAt: number): LedgerProblem[] => {
        const status = outcome.answered ? outcome.status : undefined;
        const { index } = request;
        if (verdict.answer === 'endpoint-stored') endpoints.answered(index, status, answeredAt);
        if (verdict.answer === 'refused' && verdict.operation?.name === 'UpdateEndpoint' && status === 202) {
          endpoints.sent(verdict.operation.applicationId, verdict.operation.endpointId, index, undefined, sentAt);
          endpoints.answered(index, status, answeredAt);
        }
        if (verdict.answer !== 'events-taken' && !(verdict.answer === 'refused' && verdict.operation?.name === 'PutEvents')) return [];
        const applicationId = verdict.answer === 'events-taken' ? verdict.applicationId : (verdict.operation?.applicationId ?? '');
        const sent = sentEvents(applicationId, verdict.body);
        if (status === undefined) {
          events.unanswered(sent);
          return [];
        }
        const answer = status === 202 ? parseObject(outcome.answered ? outcome.body : '') : undefined;
        const accepted = (endpointId: string, key: string): boolean => answeredAccepted(answer, endpointId, key);
        const taken = verdict.answer === 'events-taken' ? verdict.checked.batches : {};
        const takenByChecks = (endpointId: string, key: string): boolean => Object.hasOwn(taken, endpointId) && Object.hasOwn(taken[endpointId]?.Events ?? {}, key);
        // Accepted where the checks refuse is a finding of its own: stored or not, either is then possible.
        events.unanswered(sent.filter((e) => accepted(e.endpointId, e.key) && !takenByChecks(e.endpointId, e.key)));
        const problems = events.refuse(index, sent.filter((e) => !accepted(e.endpointId, e.key)));
        if (verdict.answer === 'events-taken' && answer !== undefined) {
          const mayHaveProfile = (endpointId: string): boolean => endpoints.mayHaveProfile(applicationId, endpointId, answeredAt);
          problems.push(...events.accept(index, applicationId, verdict.checked, { sentAt, answeredAt }, accepted, mayHaveProfile));
        }
        return problems;
      };

      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < runs.length) {
          const index = runs[next++] as number;
          const request = requestAt(index);
          const verdict = await oracle.verdict(request);
          const sentAt = Date.now();
          if (verdict.answer === 'endpoint-stored') endpoints.sent(verdict.applicationId, verdict.endpointId, index, verdict.request, sentAt);
          const outcome = await send(target.agent, baseUrl, request, REQUEST_TIMEOUT_MS);
          const answeredAt = Date.now();
          count(`${operationOf(verdict)} ${outcome.answered ? outcome.status : 'none'}`);
          count(`sender ${request.kind}`);
          const answer = summarizeAnswer(outcome);
          const get = verdict.answer === 'endpoint-read' ? endpoints.expectation(verdict.applicationId, verdict.endpointId, sentAt, answeredAt) : undefined;
          for (const problem of judgePinpointAnswer(senderOf(request), outcome, verdict, get)) findings.add({ ...problem, request, answer });
          if (verdict.answer === 'endpoint-read' && outcome.answered && outcome.status === 200) {
            const body = parseObject(outcome.body) ?? {};
            for (const detail of endpoints.getBodyProblems(verdict.applicationId, verdict.endpointId, body)) {
              findings.add({ failure: 'a GetEndpoint 200 body that is not the stored profile', detail, request, answer });
            }
          }
          for (const problem of book(request, verdict, outcome, sentAt, answeredAt)) findings.add({ ...problem, request, answer });
        }
      };
      await Promise.all(Array.from({ length: FUZZ_CONCURRENCY }, worker));
      const sentSeconds = (Date.now() - started) / 1000;

      let drained = true;
      try {
        await waitFor(() => target.proxy.deps.spool?.storedEvents() === 0, DRAIN_TIMEOUT_MS, 'the spool to drain');
      } catch {
        drained = false;
      }
      if (!drained) findings.add({ failure: `the spool did not drain within ${DRAIN_TIMEOUT_MS} ms`, detail: `${target.proxy.deps.spool?.storedEvents() ?? '?'} events still stored`, answer: '' });
      const drainSeconds = (Date.now() - started) / 1000 - sentSeconds;

      const store = new Database(eventStorePath(target.dataDir), { readonly: true, fileMustExist: true });
      const rows = store.prepare('SELECT event_id, app_id, client_id, event_type, record FROM events').all() as StoredRow[];
      store.close();
      report(events.storeProblems(rows, endpoints));

      // Each endpoint whose calls all got an answer: its final profile, read back once.
      const settled = endpoints.settled().slice(0, FINAL_READS);
      for (const { applicationId, endpointId } of settled) {
        const path = `/v1/apps/${encodeURIComponent(applicationId)}/endpoints/${encodeURIComponent(endpointId)}`;
        const read: PinpointFuzzRequest = { index: -1, origin: 'final GetEndpoint', kind: 'unknown', method: 'GET', path, headers: [], body: Buffer.alloc(0) };
        const outcome = await send(target.agent, baseUrl, read, REQUEST_TIMEOUT_MS);
        const body = outcome.answered && outcome.status === 200 ? parseObject(outcome.body) : undefined;
        const problems = body === undefined ? [`answered ${summarizeAnswer(outcome)}`] : endpoints.finalProblems(applicationId, endpointId, body);
        for (const detail of problems) findings.add({ failure: "an endpoint's final profile is not its latest call's", detail, request: read, answer: summarizeAnswer(outcome) });
      }

      const health = await send(target.agent, baseUrl, { index: -1, origin: 'health check', kind: 'unknown', method: 'GET', path: '/healthz', headers: [], body: Buffer.alloc(0) }, REQUEST_TIMEOUT_MS);
      if (!health.answered || health.status !== 200) findings.add({ failure: 'the service does not answer /healthz 200 after the run', detail: summarizeAnswer(health), answer: '' });

      const summary = {
        seed: SEED,
        requests: runs.length,
        eventsAccepted: events.acceptedCounts(),
        storedEvents: rows.length,
        endpointsReadBack: settled.length,
        sendSeconds: sentSeconds,
        drainSeconds,
        totalSeconds: (Date.now() - started) / 1000,
        answers: Object.fromEntries([...tally].sort()),
        failures: findings.counts(),
      };
      console.log(`pinpoint fuzz summary ${JSON.stringify(summary, null, 1)}`);

      if (findings.size > 0) {
        const replay = `Reproduce: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} npx jest test/fuzz/pinpoint-fuzz.test.ts (one request: add FUZZ_ONLY=<index>).`;
        throw new Error(findings.report(`pinpoint fuzz found ${findings.size} class(es) of failures with seed ${SEED}. ${replay}\nDelivery side: ${spoolDiagnostics(target.dataDir)}`));
      }
      // The run itself must have been meaningful: every sender kind, events stored, profiles read back.
      if (!ONLY) {
        const senders = [...tally.keys()].filter((k) => k.startsWith('sender ')).map((k) => k.slice('sender '.length));
        expect(senders.sort()).toEqual([...new Set(PINPOINT_USER_AGENTS.map((a) => a.kind))].sort());
        expect(events.acceptedCounts().events).toBeGreaterThan(runs.length);
        expect(events.acceptedCounts().underAProfile).toBeGreaterThan(0);
        expect(tally.get('GetEndpoint 200') ?? 0).toBeGreaterThan(runs.length / 200);
        expect(settled.length).toBeGreaterThan(0);
      }
    },
    Math.max(300_000, runs.length * 60),
  );
});
