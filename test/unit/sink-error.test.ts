import { ServiceUnavailableException } from '@aws-sdk/client-firehose';
import {
  KMSAccessDeniedException,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { classifyRecordError } from '../../src/sinks/record-batch-sink';
import { SinkError, classifySdkError, type SinkErrorKind } from '../../src/sinks/sink-error';

/** An SDK v3 service exception as the client throws it (deserialized shape). */
const svc = (name: string, status: number, fault: 'client' | 'server' = status >= 500 ? 'server' : 'client', extra: object = {}) => ({
  name,
  message: `${name} message`,
  $fault: fault,
  $metadata: { httpStatusCode: status },
  ...extra,
});

const netError = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('classifySdkError: service exceptions', () => {
  it.each<[string, unknown, SinkErrorKind, string]>([
    // throttled
    ['ThrottlingException 400', svc('ThrottlingException', 400), 'throttled', 'ThrottlingException'],
    ['TooManyRequestsException 429', svc('TooManyRequestsException', 429), 'throttled', 'TooManyRequestsException'],
    ['ProvisionedThroughputExceededException 400', svc('ProvisionedThroughputExceededException', 400), 'throttled', 'ProvisionedThroughputExceededException'],
    ['LimitExceededException 400', svc('LimitExceededException', 400), 'throttled', 'LimitExceededException'],
    ['KMSThrottlingException 400 (not in smithy)', svc('KMSThrottlingException', 400), 'throttled', 'KMSThrottlingException'],
    ['SlowDown 503', svc('SlowDown', 503), 'throttled', 'SlowDown'],
    ['unknown name with 429', svc('SomethingOdd', 429), 'throttled', 'SomethingOdd'],
    ['$retryable throttling trait on a 400', svc('Weird', 400, 'client', { $retryable: { throttling: true } }), 'throttled', 'Weird'],
    // transient
    ['InternalFailure 500', svc('InternalFailure', 500), 'transient', 'InternalFailure'],
    ['ServiceUnavailableException 503', svc('ServiceUnavailableException', 503), 'transient', 'ServiceUnavailableException'],
    ['ServiceUnavailableException 400 with $fault server', svc('ServiceUnavailableException', 400, 'server'), 'transient', 'ServiceUnavailableException'],
    ['ServiceUnavailableException 400 without $fault', svc('ServiceUnavailableException', 400, 'client'), 'transient', 'ServiceUnavailableException'],
    ['InternalErrorException 400', svc('InternalErrorException', 400, 'client'), 'transient', 'InternalErrorException'],
    ['unknown name with $fault server on a 400', svc('Mystery', 400, 'server'), 'transient', 'Mystery'],
    ['unknown name 502', svc('BadGateway', 502), 'transient', 'BadGateway'],
    ['unknown name 504', svc('GatewayTimeout', 504), 'transient', 'GatewayTimeout'],
    ['unknown name 501', svc('NotImplemented', 501), 'transient', 'NotImplemented'],
    ['ECONNRESET', netError('socket hang up', 'ECONNRESET'), 'transient', 'ECONNRESET'],
    ['ETIMEDOUT', netError('connect ETIMEDOUT', 'ETIMEDOUT'), 'transient', 'ETIMEDOUT'],
    ['ENOTFOUND', netError('getaddrinfo ENOTFOUND', 'ENOTFOUND'), 'transient', 'ENOTFOUND'],
    ['TimeoutError', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'transient', 'TimeoutError'],
    ['RequestTimeout 400', svc('RequestTimeout', 400), 'transient', 'RequestTimeout'],
    ['RequestTimeTooSkewed 403 (clock skew)', svc('RequestTimeTooSkewed', 403), 'transient', 'RequestTimeTooSkewed'],
    ['RequestExpired 400 (clock skew)', svc('RequestExpired', 400), 'transient', 'RequestExpired'],
    [
      'InvalidSignatureException "Signature expired" 400',
      { ...svc('InvalidSignatureException', 400), message: 'Signature expired: 20240101T000000Z is now earlier than …' },
      'transient',
      'InvalidSignatureException',
    ],
    ['$retryable trait on a 400', svc('Weird', 400, 'client', { $retryable: {} }), 'transient', 'Weird'],
    ['400 caused by a network error', svc('Wrapped', 400, 'client', { cause: netError('reset', 'ECONNRESET') }), 'transient', 'Wrapped'],
    // forbidden
    ['AccessDeniedException 403', svc('AccessDeniedException', 403), 'forbidden', 'AccessDeniedException'],
    ['UnrecognizedClientException 400', svc('UnrecognizedClientException', 400), 'forbidden', 'UnrecognizedClientException'],
    ['InvalidSignatureException 403', svc('InvalidSignatureException', 403), 'forbidden', 'InvalidSignatureException'],
    ['SignatureDoesNotMatch 403', svc('SignatureDoesNotMatch', 403), 'forbidden', 'SignatureDoesNotMatch'],
    ['ExpiredTokenException 400', svc('ExpiredTokenException', 400), 'forbidden', 'ExpiredTokenException'],
    ['KMSAccessDeniedException 400', svc('KMSAccessDeniedException', 400), 'forbidden', 'KMSAccessDeniedException'],
    ['CredentialsProviderError (no status)', Object.assign(new Error('no creds'), { name: 'CredentialsProviderError' }), 'forbidden', 'CredentialsProviderError'],
    ['unknown name 401', svc('Nope', 401), 'forbidden', 'Nope'],
    ['unknown name 403', svc('Nope', 403), 'forbidden', 'Nope'],
    // not-found
    ['NotFoundException 404', svc('NotFoundException', 404), 'not-found', 'NotFoundException'],
    ['ResourceNotFoundException 400', svc('ResourceNotFoundException', 400), 'not-found', 'ResourceNotFoundException'],
    ['unknown name 404', svc('Gone', 404), 'not-found', 'Gone'],
    // too-large
    ['PayloadTooLargeException 413', svc('PayloadTooLargeException', 413), 'too-large', 'PayloadTooLargeException'],
    ['RequestEntityTooLargeException 400', svc('RequestEntityTooLargeException', 400), 'too-large', 'RequestEntityTooLargeException'],
    ['unknown name 413', svc('Huge', 413), 'too-large', 'Huge'],
    // invalid
    ['BadRequestException 400', svc('BadRequestException', 400), 'invalid', 'BadRequestException'],
    ['ValidationException 400', svc('ValidationException', 400), 'invalid', 'ValidationException'],
    ['unknown name 422', svc('Unprocessable', 422), 'invalid', 'Unprocessable'],
    // unknown / odd inputs
    ['undefined', undefined, 'transient', 'UnknownError'],
    ['null', null, 'transient', 'UnknownError'],
    ['a string', 'boom', 'transient', 'UnknownError'],
    ['a number', 42, 'transient', 'UnknownError'],
    ['new Error("x")', new Error('x'), 'transient', 'UnknownError'],
    ['a TypeError (our own bug)', new TypeError('x is undefined'), 'transient', 'TypeError'],
    ['an object with a null cause', { name: 'Odd', cause: null, $metadata: { httpStatusCode: 500 } }, 'transient', 'Odd'],
  ])('%s', (_label, input, kind, code) => {
    const error = classifySdkError(input);
    expect(error).toBeInstanceOf(SinkError);
    expect([error.kind, error.code]).toEqual([kind, code]);
  });

  it('keeps the message and the original error as cause', () => {
    const input = svc('ValidationException', 400);
    const error = classifySdkError(input);
    expect([error.message, error.cause]).toEqual(['ValidationException message', input]);
    expect(error.cause).toBe(input);
  });

  it.each<[string, unknown, string]>([
    ['an Error', new Error('x'), 'x'],
    ['a string', 'boom', 'boom'],
    ['undefined', undefined, 'UnknownError'],
    ['a service exception without message', { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }, 'ThrottlingException'],
  ])('message of %s', (_label, input, message) => {
    expect(classifySdkError(input).message).toBe(message);
  });

  it('returns a SinkError passed in as the same object', () => {
    const original = new SinkError('invalid', 'bad', 'BadThing');
    expect(classifySdkError(original)).toBe(original);
  });
});

describe('classifySdkError: real SDK v3 exception classes', () => {
  const $metadata = { httpStatusCode: 400 };
  it.each<[string, unknown, SinkErrorKind]>([
    ['Kinesis ProvisionedThroughputExceededException', new ProvisionedThroughputExceededException({ message: 'slow down', $metadata }), 'throttled'],
    ['Kinesis ResourceNotFoundException', new ResourceNotFoundException({ message: 'no stream', $metadata }), 'not-found'],
    ['Kinesis KMSAccessDeniedException', new KMSAccessDeniedException({ message: 'denied', $metadata }), 'forbidden'],
    ['Firehose ServiceUnavailableException (400, $fault server)', new ServiceUnavailableException({ message: 'busy', $metadata }), 'transient'],
  ])('%s', (name, input, kind) => {
    const error = classifySdkError(input);
    expect([error.kind, error.code]).toEqual([kind, name.split(' ')[1]]);
  });
});

describe('classifyRecordError: Kinesis / Firehose per-record codes', () => {
  it.each<[string, SinkErrorKind]>([
    ['ProvisionedThroughputExceededException', 'throttled'],
    ['InternalFailure', 'transient'],
    ['ServiceUnavailableException', 'transient'],
    ['KMS.AccessDeniedException', 'forbidden'],
    ['KMSAccessDeniedException', 'forbidden'],
    ['KMS.ThrottlingException', 'throttled'],
    ['KMSThrottlingException', 'throttled'],
    ['SomethingNew', 'transient'],
  ])('%s → %s', (code, kind) => {
    const error = classifyRecordError(code, `${code} happened`);
    expect([error.kind, error.code, error.message]).toEqual([kind, code, `${code} happened`]);
  });

  it('uses the code as message when the service gave none', () => {
    expect(classifyRecordError('InternalFailure', undefined).message).toBe('InternalFailure');
  });
});
