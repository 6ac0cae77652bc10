import { NotFoundError, RetryLaterError } from '../../src/errors';
import type { CheckedEventsRequest } from '../../src/pinpoint-api/events-request-checks';
import { toPinpointAnswer } from '../../src/pinpoint-api/pinpoint-answer';
import type { PinpointSenderKind } from '../../src/pinpoint-api/pinpoint-sender';
import { realTimestampMs } from './oracle';
import { canonicalJson } from './pinpoint-canonical-json';
import type { GetExpectation } from './pinpoint-endpoint-ledger';
import type { PinpointVerdict } from './pinpoint-oracle';
import type { Outcome } from './wire';

/** One thing wrong with an answer. */
export interface AnswerProblem {
  failure: string;
  detail: string;
}

const ACCEPTED = { StatusCode: 202, Message: 'Accepted' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseObject(text: string): Json | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** An answer's status and body for a failure message. */
export function summarizeAnswer(outcome: Outcome): string {
  if (!outcome.answered) return `no answer after ${outcome.ms} ms: ${outcome.error}`;
  const type = outcome.headers['x-amzn-errortype'];
  return `${outcome.status}${type ? ` x-amzn-ErrorType: ${String(type)}` : ''} body ${JSON.stringify(outcome.body.slice(0, 400))}`;
}

/**
 * The entries an `EventsResponse` must hold, built from the request's JSON by its own keys (what
 * JSON.parse kept), each event's by what the checks decided for it: 202 "Accepted", or 400 with
 * the check's message. Also what is wrong with the checks' own split (an event in neither part,
 * or in both).
 */
function expectedResults(body: unknown, checked: CheckedEventsRequest): { results: Map<string, Map<string, Json>>; problems: AnswerProblem[] } {
  const refusals = new Map(checked.refusals.map((r) => [JSON.stringify([r.endpointId, r.eventId]), r.message]));
  const results = new Map<string, Map<string, Json>>();
  const problems: AnswerProblem[] = [];
  const batchItem = (body as { BatchItem: Record<string, { Events: Record<string, unknown> }> }).BatchItem;
  for (const endpointId of Object.keys(batchItem)) {
    const entries = new Map<string, Json>();
    const accepted = checked.batches[endpointId]?.Events ?? {};
    for (const eventId of Object.keys((batchItem[endpointId] as { Events: Record<string, unknown> }).Events)) {
      const refusal = refusals.get(JSON.stringify([endpointId, eventId]));
      const taken = Object.hasOwn(accepted, eventId);
      if (taken === (refusal !== undefined)) problems.push({ failure: "the events checks put an event in neither or both of their parts", detail: JSON.stringify([endpointId, eventId]) });
      entries.set(eventId, refusal === undefined ? ACCEPTED : { StatusCode: 400, Message: refusal });
    }
    results.set(endpointId, entries);
  }
  return { results, problems };
}

/** The first few ids of a list, for a detail. */
const some = (ids: readonly string[]): string => `${ids.length}: ${ids.slice(0, 3).map((id) => JSON.stringify(id.slice(0, 60))).join(', ')}`;

/** What is wrong with a PutEvents 202 body against the entries it must hold. */
function resultsProblems(answer: Json, expected: Map<string, Map<string, Json>>): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  const results = answer['Results'];
  if (Object.keys(answer).length !== 1 || !isObject(results)) return [{ failure: 'a PutEvents 202 whose body is not {"Results":{…}}', detail: Object.keys(answer).join(', ') }];
  const missing = [...expected.keys()].filter((id) => !Object.hasOwn(results, id));
  const extra = Object.keys(results).filter((id) => !expected.has(id));
  if (missing.length > 0) problems.push({ failure: 'an endpoint id sent has no entry in the EventsResponse', detail: some(missing) });
  if (extra.length > 0) problems.push({ failure: 'the EventsResponse has an entry for an endpoint id not sent', detail: some(extra) });
  for (const [endpointId, events] of expected) {
    const item = results[endpointId];
    if (!isObject(item)) continue;
    if (canonicalJson(item['EndpointItemResponse']) !== canonicalJson(ACCEPTED) || Object.keys(item).some((k) => k !== 'EndpointItemResponse' && k !== 'EventsItemResponse')) {
      problems.push({ failure: 'an endpoint entry other than {EndpointItemResponse: 202 Accepted, EventsItemResponse}', detail: `${JSON.stringify(endpointId)}: ${canonicalJson(item).slice(0, 300)}` });
    }
    const entries = item['EventsItemResponse'];
    if (!isObject(entries)) {
      problems.push({ failure: 'an endpoint entry without EventsItemResponse', detail: JSON.stringify(endpointId) });
      continue;
    }
    const lost = [...events.keys()].filter((id) => !Object.hasOwn(entries, id));
    const invented = Object.keys(entries).filter((id) => !events.has(id));
    if (lost.length > 0) problems.push({ failure: 'an event id sent has no entry in the EventsResponse', detail: `endpoint ${JSON.stringify(endpointId)}, events ${some(lost)}` });
    if (invented.length > 0) problems.push({ failure: 'the EventsResponse has an entry for an event id not sent', detail: `endpoint ${JSON.stringify(endpointId)}, events ${some(invented)}` });
    const wrong = [...events].filter(([id, entry]) => Object.hasOwn(entries, id) && canonicalJson(entries[id]) !== canonicalJson(entry));
    const first = wrong[0];
    if (first) {
      problems.push({
        failure: "an event's entry is not what the service's own checks decide for it",
        detail: `${wrong.length} entries, e.g. ${JSON.stringify(first[0])}: answered ${canonicalJson(entries[first[0]])}, the checks say ${canonicalJson(first[1])}`,
      });
    }
  }
  return problems;
}

/** What is wrong with an error answer in Pinpoint's shape, against the status and type it must have. */
function errorProblems(answer: { status: number; type: unknown; json: Json | undefined; requestId: unknown }, expected: { status: number; type: string }, why: string): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  if (answer.status !== expected.status || answer.type !== expected.type) {
    problems.push({ failure: "an error other than the service's own decision", detail: `answered ${answer.status} ${String(answer.type)}; ${why} gives ${expected.status} ${expected.type}` });
  }
  const { json } = answer;
  const shaped = json !== undefined && Object.keys(json).sort().join() === 'Message,RequestID' && typeof json['Message'] === 'string' && json['Message'] !== '' && json['RequestID'] === answer.requestId;
  if (!shaped) problems.push({ failure: 'an error body other than {"Message","RequestID"} with RequestID equal to x-amzn-RequestId', detail: `status ${answer.status}` });
  return problems;
}

/**
 * The problems with one answer, given the verdict of the service's own functions and, for
 * GetEndpoint, what the run's UpdateEndpoint calls allow it to find. Every answer needs a UUID
 * `x-amzn-RequestId` and a JSON body; "retry later" (500 or 429) is a finding here, as the spool
 * and the endpoint store are far from full.
 */
export function judgePinpointAnswer(sender: PinpointSenderKind, outcome: Outcome, verdict: PinpointVerdict, get?: GetExpectation): AnswerProblem[] {
  if (!outcome.answered) return [{ failure: 'no answer (hang, timeout or dropped connection)', detail: outcome.error }];
  const problems: AnswerProblem[] = [];
  const { status } = outcome;
  const requestId = outcome.headers['x-amzn-requestid'];
  const type = outcome.headers['x-amzn-errortype'];
  const json = parseObject(outcome.body);
  if (typeof requestId !== 'string' || !UUID.test(requestId)) problems.push({ failure: 'an answer without a UUID x-amzn-RequestId', detail: `status ${status}` });
  if (!/^application\/json\b/.test(String(outcome.headers['content-type']))) problems.push({ failure: 'an answer that is not application/json', detail: `status ${status}: ${String(outcome.headers['content-type'])}` });
  const error = { status, type, json, requestId };
  if (status >= 500 || status === 429) {
    const retryLater = toPinpointAnswer(new RetryLaterError('retry later'), sender, 'id');
    const shape = status === retryLater.status && type === retryLater.headers['x-amzn-ErrorType'] ? `${sender}'s retry later` : `not even ${sender}'s retry later (${retryLater.status})`;
    const why = verdict.answer === 'crashed' ? `the service's own functions throw ${verdict.reason}` : `the service's own functions decide ${verdict.answer}`;
    problems.push({ failure: 'answered 5xx or 429 ("retry later") with room in the spool and the endpoint store', detail: `${shape}; ${why}; ${summarizeAnswer(outcome)}` });
  }
  if (verdict.answer === 'endpoint-stored' && verdict.request.EffectiveDate !== undefined && Number.isNaN(realTimestampMs(verdict.request.EffectiveDate))) {
    problems.push({ failure: "the UpdateEndpoint checks take an EffectiveDate that names no real instant", detail: JSON.stringify(verdict.request.EffectiveDate) });
  }
  if (status >= 500 || status === 429) return problems;
  switch (verdict.answer) {
    case 'crashed':
      problems.push({ failure: "the service's own functions throw something other than a ProxyError", detail: verdict.reason });
      break;
    case 'refused': {
      if (status < 300) {
        problems.push({ failure: `took (${status}) a request the service's own functions refuse`, detail: `${verdict.error.name}: ${verdict.error.message.slice(0, 200)}` });
        break;
      }
      const expected = toPinpointAnswer(verdict.error, sender, 'id');
      problems.push(...errorProblems(error, { status: expected.status, type: expected.headers['x-amzn-ErrorType'] ?? '' }, `${verdict.error.name}: ${verdict.error.message.slice(0, 200)}`));
      break;
    }
    case 'events-taken': {
      if (status !== 202 || json === undefined) {
        problems.push({ failure: "refused a PutEvents request the service's own checks take", detail: summarizeAnswer(outcome) });
        break;
      }
      const expected = expectedResults(verdict.body, verdict.checked);
      problems.push(...expected.problems, ...resultsProblems(json, expected.results));
      break;
    }
    case 'endpoint-stored':
      if (status !== 202) problems.push({ failure: "refused an UpdateEndpoint the service's own checks take", detail: summarizeAnswer(outcome) });
      else if (canonicalJson(json) !== canonicalJson({ Message: 'Accepted', RequestID: requestId })) {
        problems.push({ failure: 'an UpdateEndpoint 202 whose body is not {"Message":"Accepted","RequestID"} with x-amzn-RequestId', detail: summarizeAnswer(outcome) });
      }
      break;
    case 'endpoint-read': {
      const { mustExist, mayExist } = get ?? { mustExist: false, mayExist: true };
      if (status === 404) {
        if (mustExist) problems.push({ failure: 'GetEndpoint answered 404 after an UpdateEndpoint of that endpoint was answered 202', detail: summarizeAnswer(outcome) });
        const expected = toPinpointAnswer(new NotFoundError('x'), sender, 'id');
        problems.push(...errorProblems(error, { status: 404, type: expected.headers['x-amzn-ErrorType'] ?? '' }, 'a GetEndpoint of an endpoint never stored'));
      } else if (status === 200) {
        if (!mayExist) problems.push({ failure: 'GetEndpoint found a profile no UpdateEndpoint can have stored', detail: summarizeAnswer(outcome) });
        if (json === undefined) problems.push({ failure: 'a GetEndpoint 200 whose body is not a JSON object', detail: summarizeAnswer(outcome) });
      } else {
        problems.push({ failure: 'GetEndpoint answered neither 200 nor 404', detail: summarizeAnswer(outcome) });
      }
      break;
    }
  }
  return problems;
}
