import { ProxyError } from '../errors';
import type { DryRunResult } from './dry-run';
import type { ReplayAnswer } from './replay-answer';
import type { ReplayCall } from './replay-call';
import { clientKindOf, type ReplayClientKind, type ReplayRequest } from './replay-request';

/** What a dry-run line says of a request before what the service makes of it. */
export interface RequestFacts {
  readonly source: string;
  /** The call it makes, when replay knows it (`replayCallOf`). */
  readonly call?: ReplayCall['name'];
  readonly clientKind: ReplayClientKind;
  readonly recordedStatus?: number;
}

/** The facts of a request: where it was read, its call, its client kind (`clientKindOf`) and the status first answered. */
export function requestFacts(request: ReplayRequest, call: ReplayCall | undefined): RequestFacts {
  return {
    source: request.source,
    ...(call === undefined ? {} : { call: call.name }),
    clientKind: clientKindOf(request),
    ...(request.recordedStatus !== undefined ? { recordedStatus: request.recordedStatus } : {}),
  };
}

/** A request the dry run does not run, and why: no answer is counted. */
export function skippedResult(facts: RequestFacts, why: string): DryRunResult {
  return { line: JSON.stringify({ ...facts, skipped: why }) };
}

/**
 * A refused request: the status the service would answer, `errorType` (the answer's
 * `x-amzn-ErrorType`, null where the client kind gets none) and `reason` (what handling threw).
 */
export function refusedResult(facts: RequestFacts, outcome: unknown, answer: { status: number; headers: Readonly<Record<string, string>> }): DryRunResult {
  const reason = outcome instanceof Error ? outcome.message : String(outcome);
  const errorType = answer.headers['x-amzn-ErrorType'] ?? null;
  const detail = outcome instanceof ProxyError ? outcome.code : 'InternalError';
  return { line: JSON.stringify({ ...facts, status: answer.status, errorType, reason }), answer: answerOf(facts, answer.status, detail) };
}

/**
 * An accepted request: the status the service would answer, then `fields` (what the answer or the
 * call says besides), then `sinkField` when the call gives the sinks events (JSON text, appended as
 * it is so records keep the bytes their serializer wrote).
 */
export function acceptedResult(facts: RequestFacts, status: number, fields: Readonly<Record<string, unknown>>, sinkField?: string): DryRunResult {
  const object = JSON.stringify({ ...facts, status, ...fields });
  const line = sinkField === undefined ? object : `${object.slice(0, -1)},${sinkField}}`;
  return { line, answer: answerOf(facts, status) };
}

function answerOf(facts: RequestFacts, status: number, detail?: string): ReplayAnswer {
  return { source: facts.source, clientKind: facts.clientKind, status, ms: 0, ...(detail === undefined ? {} : { detail }) };
}
