import type { WireAnswer } from '../wire-answer';
import { BadRequestError, ForbiddenError, NotFoundError, PayloadTooLargeError, ProxyError, RetryLaterError } from '../errors';
import type { PinpointSenderKind } from './pinpoint-sender';

/** An error answer on the Pinpoint wire. */
export type PinpointAnswer = WireAnswer;

const JSON_TYPE = 'application/json';

/** The default `ForbiddenError` code; Pinpoint's model names the 403 `ForbiddenException`. */
const GENERIC_FORBIDDEN = 'AccessDeniedException';

/**
 * "Retry later" per sender: the answer each one keeps its events for (read in each sender's source), and,
 * where the sender retries by itself, retries. 500 `InternalServerErrorException` is the one
 * status every sender keeps; 429 `TooManyRequestsException` is kept by fewer but is the truer
 * signal of a full spool, and AWS SDKs in adaptive retry mode slow down only on throttling.
 *
 * | sender            | answer | why                                                                                   |
 * | ----------------- | ------ | ------------------------------------------------------------------------------------- |
 * | pinpoint-android  | 500    | PinpointManager keeps events only on 5xx or network errors; any 4xx, 429 too, deletes  |
 * | amplify-android   | 500    | ported from PinpointManager (inferred: same rule); 5xx keeps                          |
 * | pinpoint-ios      | 500    | AWSPinpoint retries all but BadRequest/Serialization/Validation, 3 times; 500 is the modeled server fault every AWS retry handler retries |
 * | amplify-swift     | 500    | drops on 400, retries other errors up to 3 times                                      |
 * | amplify-js        | 429    | re-buffers only on 429 and 500; its transport retries both, 429 as throttling          |
 * | amplify-flutter   | 429    | keeps on 400, 404, 429 and 500                                                        |
 * | aws-sdk-js        | 429    | v3 classifies 429 as throttling and retries it (v2 likewise); the caller sees `TooManyRequestsException` |
 * | aws-cli           | 429    | botocore retries `TooManyRequestsException` in legacy, standard and adaptive modes     |
 * | unknown           | 500    | the answer every known sender keeps                                                   |
 */
const RETRY_LATER: Readonly<Record<PinpointSenderKind, readonly [number, string]>> = {
  'pinpoint-android': [500, 'InternalServerErrorException'],
  'amplify-android': [500, 'InternalServerErrorException'],
  'pinpoint-ios': [500, 'InternalServerErrorException'],
  'amplify-swift': [500, 'InternalServerErrorException'],
  'amplify-js': [429, 'TooManyRequestsException'],
  'amplify-flutter': [429, 'TooManyRequestsException'],
  'aws-sdk-js': [429, 'TooManyRequestsException'],
  'aws-cli': [429, 'TooManyRequestsException'],
  unknown: [500, 'InternalServerErrorException'],
};

/**
 * The one place that decides a Pinpoint API error answer (success for PutEvents is the
 * `EventsResponse`, built in `events-response.ts`). Errors have Pinpoint's shape: an
 * `x-amzn-ErrorType` header, a `{"Message","RequestID"}` body and `x-amzn-RequestId`.
 * - `BadRequestError` → 400 `BadRequestException`, `ForbiddenError` → 403 `ForbiddenException`
 *   (a specific code such as `InvalidSignatureException` is kept, SDKs act on it: clock skew),
 *   `NotFoundError` → 404 `NotFoundException`, `PayloadTooLargeError` → 413 `PayloadTooLargeException`.
 *   Each is what Pinpoint answered, so each sender drops or keeps as it did against Pinpoint
 *   (Amplify Flutter keeps a batch answered 400, as it always did).
 * - `RetryLaterError` (full spool, throttled or failing destination) and anything that is not a
 *   ProxyError (our own fault): the sender's "retry later" answer, `RETRY_LATER` above.
 * - Any other ProxyError: a 4xx is a `BadRequestException` with its status, a 5xx is retry later.
 * `requestId` is the id this request is logged under, echoed as Pinpoint does.
 */
export function toPinpointAnswer(outcome: unknown, sender: PinpointSenderKind, requestId: string): PinpointAnswer {
  const error = outcome instanceof ProxyError ? outcome : new RetryLaterError('Internal error; retry later.');
  // RetryLaterError is a 503; any 5xx is ours to fix, never the sender's.
  if (error.status >= 500) {
    const [status, type] = RETRY_LATER[sender];
    return errorAnswer(status, type, error.message, requestId);
  }
  return errorAnswer(error.status, errorTypeOf(error), error.message, requestId);
}

function errorTypeOf(error: ProxyError): string {
  if (error instanceof BadRequestError) return 'BadRequestException';
  if (error instanceof ForbiddenError) return error.code === GENERIC_FORBIDDEN ? 'ForbiddenException' : error.code;
  if (error instanceof NotFoundError) return 'NotFoundException';
  if (error instanceof PayloadTooLargeError) return 'PayloadTooLargeException';
  return 'BadRequestException';
}

function errorAnswer(status: number, type: string, message: string, requestId: string): PinpointAnswer {
  return {
    status,
    headers: { 'Content-Type': JSON_TYPE, 'x-amzn-ErrorType': type, 'x-amzn-RequestId': requestId },
    body: JSON.stringify({ Message: message, RequestID: requestId }),
  };
}
