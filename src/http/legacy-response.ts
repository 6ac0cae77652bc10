import type { WireAnswer } from '../wire-answer';
import { ProxyError, RetryLaterError } from '../errors';
import type { ClientKind } from '../legacy/types';

/** An answer on the legacy wire. */
export type LegacyResponse = WireAnswer;

const JSON_TYPE = 'application/json';

/**
 * The one place that decides the legacy wire answer (README, "How the proxy answers each client"):
 * - success: 202 with an EMPTY body (a JSON body makes iOS resend forever);
 * - "retry later": 503 for Android, iOS and unknown clients; 400 ThrottlingException for
 *   JavaScript clients, the only error the JS library keeps its batch for;
 * - other errors: their status with `x-amzn-ErrorType` and `{"__type","message"}`, except that
 *   iOS gets 4xx errors with an empty body and no error type, because any error type makes iOS
 *   keep and resend a request that can never succeed.
 * Errors that are not ProxyErrors are our own faults: the client keeps its events (retry later).
 * `outcome` is `'accepted'` or whatever the request's handling threw.
 */
export function toLegacyResponse(outcome: unknown, kind: ClientKind): LegacyResponse {
  if (outcome === 'accepted') return { status: 202, headers: { 'Content-Type': JSON_TYPE }, body: '' };
  const error = outcome instanceof ProxyError ? outcome : new RetryLaterError('Internal error; retry later.');
  if (error instanceof RetryLaterError) {
    if (kind === 'js') return errorResponse(400, 'ThrottlingException', error.message);
    return errorResponse(503, error.code, error.message);
  }
  if (kind === 'ios' && error.status >= 400 && error.status < 500) {
    return { status: error.status, headers: {}, body: '' };
  }
  return errorResponse(error.status, error.code, error.message);
}

function errorResponse(status: number, code: string, message: string): LegacyResponse {
  return {
    status,
    headers: { 'Content-Type': JSON_TYPE, 'x-amzn-ErrorType': code },
    body: JSON.stringify({ __type: code, message }),
  };
}
