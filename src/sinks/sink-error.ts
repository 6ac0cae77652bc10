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

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'KMSThrottlingException',
]);

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
]);

const NOT_FOUND_CODES = new Set(['NotFoundException', 'ResourceNotFoundException']);
const TOO_LARGE_CODES = new Set(['PayloadTooLargeException', 'RequestEntityTooLargeException']);

const SERVER_FAULT_CODE = /InternalFailure|ServiceUnavailable|InternalError/i;

/** Classifies anything an AWS SDK v3 client (or the network under it) threw. */
export function classifySdkError(err: unknown): SinkError {
  if (err instanceof SinkError) return err;
  const e = (err ?? {}) as { name?: string; message?: string; $fault?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  const code = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'UnknownError');
  const status = e.$metadata?.httpStatusCode;
  const message = e.message || code;
  const kind = ((): SinkError['kind'] => {
    if (status === 429 || THROTTLING_CODES.has(code)) return 'throttled';
    if (FORBIDDEN_CODES.has(code) || status === 401 || status === 403) return 'forbidden';
    if (NOT_FOUND_CODES.has(code) || status === 404) return 'not-found';
    if (TOO_LARGE_CODES.has(code) || status === 413) return 'too-large';
    // A server fault is retried whatever its status: a 400 ServiceUnavailableException is not 'invalid'.
    if (e.$fault === 'server' || SERVER_FAULT_CODE.test(code)) return 'transient';
    if (status !== undefined && status >= 400 && status < 500) return 'invalid';
    return 'transient';
  })();
  return new SinkError(kind, message, code, { cause: err });
}
