import { isServerError, isThrottlingError, isTransientError } from '@smithy/service-error-classification';

/**
 * How a destination failure is handled, shared by every sink:
 * - `throttled` and `transient`: retry with backoff (429, throttling codes, 5xx, network);
 * - `forbidden` and `not-found`: bad credentials or unknown app/stream; never dropped, retried
 *   with a long backoff and reported, since an operator can fix them;
 * - `invalid` and `too-large`: the whole call was refused as malformed.
 */
export type SinkErrorKind = 'throttled' | 'transient' | 'forbidden' | 'not-found' | 'invalid' | 'too-large';

/** A classified destination failure. */
export class SinkError extends Error {
  constructor(
    readonly kind: SinkErrorKind,
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SinkError';
  }
}

/*
 * What the SDK's own retry logic knows comes from @smithy/service-error-classification:
 * throttling codes and 429 (`isThrottlingError`), transient codes, network errors (ECONNRESET,
 * ETIMEDOUT, …), 500/502/503/504, `$retryable` and skew-corrected signatures (`isTransientError`),
 * and other 5xx (`isServerError`). Only what it does not know is listed here, and its clock-skew
 * codes, whose predicate it deprecated.
 */

/** Throttling codes smithy's THROTTLING_ERROR_CODES lacks (KMS throttling, incl. Firehose's per-record form). */
const EXTRA_THROTTLING_CODES = new Set(['KMSThrottlingException', 'KMS.ThrottlingException']);

/**
 * Codes that mean our credentials or permissions are refused; smithy has no such notion.
 * AccessDeniedException, InvalidSignatureException and SignatureDoesNotMatch are also in smithy's
 * clock-skew list, but they are nearly always real refusals: they stay `forbidden` (a skew the SDK
 * corrected, or an expired signature, is still caught as transient by `isTransientError`).
 */
const FORBIDDEN_CODES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'ForbiddenException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'MissingAuthenticationTokenException',
  'CredentialsProviderError',
  'KMSAccessDeniedException',
  'KMS.AccessDeniedException',
]);

/**
 * smithy's clock-skew codes (its `isClockSkewError` is deprecated, and its replacement
 * `isClockSkewCorrectedError` asks another question: did the SDK already correct the skew).
 * The three that are also in FORBIDDEN_CODES are decided before this list is consulted.
 */
const CLOCK_SKEW_CODES = new Set([
  'AccessDeniedException',
  'AuthFailure',
  'InvalidSignatureException',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
]);

const NOT_FOUND_CODES = new Set(['NotFoundException', 'ResourceNotFoundException']);
const TOO_LARGE_CODES = new Set(['PayloadTooLargeException', 'RequestEntityTooLargeException']);

/** Server faults smithy only recognises by status; per-record codes and some 400s carry no 5xx. */
const SERVER_FAULT_CODE = /InternalFailure|ServiceUnavailable|InternalError/i;

/** The error shape smithy's predicates take. */
type SdkError = Parameters<typeof isTransientError>[0];

interface ErrorFields {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: SdkError['$metadata'];
  $retryable?: SdkError['$retryable'];
  cause?: unknown;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Classifies anything an AWS SDK v3 client (or the network under it) threw. */
export function classifySdkError(err: unknown): SinkError {
  if (err instanceof SinkError) return err;
  const e: ErrorFields = typeof err === 'object' && err !== null ? err : {};
  const name = str(e.name);
  const code = name && name !== 'Error' ? name : (str(e.code) ?? 'UnknownError');
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const message = str(e.message) ?? (typeof err === 'string' && err !== '' ? err : code);
  // What smithy reads, with our code as the name (a plain `Error` with a `code` is a network error).
  const view: SdkError & { code?: string } = {
    name: code,
    message,
    code: str(e.code),
    $metadata: e.$metadata,
    $retryable: e.$retryable,
    cause: typeof e.cause === 'object' && e.cause !== null ? (e.cause as Error) : undefined,
  };
  const kind = ((): SinkErrorKind => {
    if (isThrottlingError(view) || EXTRA_THROTTLING_CODES.has(code)) return 'throttled';
    if (isTransientError(view)) return 'transient';
    if (FORBIDDEN_CODES.has(code)) return 'forbidden';
    // Clock skew (RequestTimeTooSkewed, RequestExpired, …, often with a 403) is retried: the SDK
    // corrects the offset.
    if (CLOCK_SKEW_CODES.has(code)) return 'transient';
    if (status === 401 || status === 403) return 'forbidden';
    if (NOT_FOUND_CODES.has(code) || status === 404) return 'not-found';
    if (TOO_LARGE_CODES.has(code) || status === 413) return 'too-large';
    // A server fault is retried whatever its status: a 400 ServiceUnavailableException is not 'invalid'.
    if (isServerError(view) || e.$fault === 'server' || SERVER_FAULT_CODE.test(code)) return 'transient';
    if (status !== undefined && status >= 400 && status < 500) return 'invalid';
    return 'transient';
  })();
  return new SinkError(kind, message, code, { cause: err });
}
