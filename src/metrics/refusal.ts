import { BadRequestError, ForbiddenError, PayloadTooLargeError, ProxyError, RetryLaterError } from '../errors';

/** The family of a refusal: what the client was told to do. */
export type RefusalKind = 'bad_request' | 'too_large' | 'forbidden' | 'retry_later';

/** How a refused request is counted: its family, and the finer reason the error names. */
export interface Refusal {
  refusal: RefusalKind;
  /** snake_case: the error's `reason` (`spool_full`, `rate_limited`, `invalid_signature`, …), or `internal_error`. */
  reason: string;
}

/** `RateLimited` → `rate_limited`, `InvalidSignatureException` → `invalid_signature`; snake_case stays as it is. */
function snakeCase(code: string): string {
  return code
    .replace(/Exception$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The family of a ProxyError, from its class (a subclass counts as its parent: InflatedTooLargeError is too_large). */
function kindOf(error: ProxyError): RefusalKind {
  if (error instanceof RetryLaterError) return 'retry_later';
  if (error instanceof ForbiddenError) return 'forbidden';
  if (error instanceof PayloadTooLargeError) return 'too_large';
  if (error instanceof BadRequestError) return 'bad_request';
  // Any other status a ProxyError may carry is named by it: 4xx the client must drop, the rest retried.
  return error.status >= 500 ? 'retry_later' : 'bad_request';
}

/**
 * How the outcome of an events request is counted: undefined when it was accepted; a ProxyError
 * by its class and its own `reason` (the error classes are the one list of reasons: nothing is
 * matched on messages); anything else is our bug, answered "retry later" (`internal_error`).
 */
export function refusalOf(outcome: unknown): Refusal | undefined {
  if (outcome === 'accepted') return undefined;
  if (!(outcome instanceof ProxyError)) return { refusal: 'retry_later', reason: 'internal_error' };
  return { refusal: kindOf(outcome), reason: snakeCase(outcome.reason) };
}
