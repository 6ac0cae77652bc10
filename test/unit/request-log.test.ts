import { BadRequestError, RetryLaterError } from '../../src/errors';
import { createRequestLog } from '../../src/http/request-log';
import { createCaptureLogger } from '../support/capture-logger';

const BASE = { requestId: 'r1', status: 202, clientKind: 'amplify-js', events: 2, started: performance.now() };

describe('createRequestLog', () => {
  it('writes one info line per request with the operation and the events a PutEvents refused one by one', () => {
    const logger = createCaptureLogger();
    const log = createRequestLog(logger);
    log({ ...BASE, operation: 'PutEvents', refusedEvents: 1, outcome: 'accepted' });
    log({ ...BASE, refusedEvents: 0, outcome: 'accepted' });
    expect(logger.lines).toEqual([
      { level: 'info', message: 'request', fields: { requestId: 'r1', operation: 'PutEvents', status: 202, clientKind: 'amplify-js', events: 2, refusedEvents: 1, latencyMs: expect.any(Number) } },
      { level: 'info', message: 'request', fields: { requestId: 'r1', status: 202, clientKind: 'amplify-js', events: 2, latencyMs: expect.any(Number) } },
    ]);
  });

  it('names the refusal at info, and warns (without a stack) about retry later', () => {
    const logger = createCaptureLogger();
    const log = createRequestLog(logger);
    log({ ...BASE, status: 400, events: 0, outcome: new BadRequestError('bad') });
    log({ ...BASE, status: 429, events: 0, outcome: new RetryLaterError('full') });
    expect(logger.lines.map((line) => [line.level, line.message, line.fields['error']])).toEqual([
      ['info', 'request', 'BadRequestException'],
      ['info', 'request', 'ServiceUnavailableException'],
      ['warn', 'answering retry later', undefined],
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain('stack');
  });

  it('logs an unexpected error once at error with its stack', () => {
    const logger = createCaptureLogger();
    const log = createRequestLog(logger);
    log({ ...BASE, status: 500, events: 0, outcome: new Error('boom') });
    const errors = logger.lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.fields['stack']).toEqual(expect.stringContaining('boom'));
  });
});
