import { NotFoundError } from '../../src/errors';
import { pinpointOperation } from '../../src/pinpoint-api/pinpoint-operation';

const APP = '0123456789abcdef0123456789abcdef';

describe('pinpointOperation', () => {
  it.each([
    ['POST', `/v1/apps/${APP}/events`, { name: 'PutEvents', applicationId: APP }],
    ['POST', `/v1/apps/${APP}/events?x=1`, { name: 'PutEvents', applicationId: APP }],
    ['POST', `/v1/apps/${APP}/events/legacy?X-Amz-Signature=abc`, { name: 'PutEvents', applicationId: APP }],
    ['PUT', `/v1/apps/${APP}/endpoints/ep-1`, { name: 'UpdateEndpoint', applicationId: APP, endpointId: 'ep-1' }],
    ['GET', `/v1/apps/${APP}/endpoints/ep-1`, { name: 'GetEndpoint', applicationId: APP, endpointId: 'ep-1' }],
    // SDKs percent-encode an id's reserved characters; the id is the decoded one.
    ['PUT', `/v1/apps/${APP}/endpoints/a%2Fb%20c`, { name: 'UpdateEndpoint', applicationId: APP, endpointId: 'a/b c' }],
    ['PUT', `/v1/apps/${APP}/endpoints/__proto__`, { name: 'UpdateEndpoint', applicationId: APP, endpointId: '__proto__' }],
  ])('%s %s', (method, url, expected) => {
    expect(pinpointOperation(method, url)).toEqual(expected);
  });

  it.each([
    ['GET', `/v1/apps/${APP}/events`],
    ['POST', `/v1/apps/${APP}/events/other`],
    ['POST', `/v1/apps/${APP}/endpoints/ep-1`],
    ['DELETE', `/v1/apps/${APP}/endpoints/ep-1`],
    ['PUT', `/v1/apps/${APP}/endpoints/`],
    ['PUT', `/v1/apps/${APP}/endpoints/a/b`],
    ['POST', '/v1/apps//events'],
    ['POST', `/v1/apps/${APP}/jobs/import`],
    ['GET', `/v1/apps/${APP}`],
    // Bad escapes, control characters and lone surrogates cannot be ids.
    ['PUT', `/v1/apps/${APP}/endpoints/%E0%A4%A`],
    ['PUT', `/v1/apps/${APP}/endpoints/a%00b`],
    ['PUT', `/v1/apps/${APP}/endpoints/%ED%A0%80`],
    ['PUT', `/v1/apps/${APP}/endpoints/${'e'.repeat(257)}`],
  ])('%s %s is not served', (method, url) => {
    expect(() => pinpointOperation(method, url)).toThrow(NotFoundError);
  });
});
