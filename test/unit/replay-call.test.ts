import { replayCallOf } from '../../src/replay/replay-call';
import { LEGACY_SIGNING_SERVICE, PINPOINT_SIGNING_SERVICE, signingServiceOf } from '../../src/replay/request-signer';

const APP = '0123456789abcdef0123456789abcdef';

describe('the calls replay knows', () => {
  it.each([
    ['POST', '/2014-06-05/events', { name: 'LegacyPutEvents' }],
    ['POST', '/base/2014-06-05/events?trace=1', { name: 'LegacyPutEvents' }],
    ['POST', `/v1/apps/${APP}/events`, { name: 'PutEvents', applicationId: APP }],
    ['POST', `/v1/apps/${APP}/events/legacy`, { name: 'PutEvents', applicationId: APP }],
    ['POST', `/gateway/v1/apps/${APP}/events?x=1`, { name: 'PutEvents', applicationId: APP }],
    ['PUT', `/v1/apps/${APP}/endpoints/ep-1`, { name: 'UpdateEndpoint', applicationId: APP, endpointId: 'ep-1' }],
    // Ids are the decoded ones, as the service's routes decode them.
    ['PUT', `/v1/apps/${APP}/endpoints/a%2Fb%20c`, { name: 'UpdateEndpoint', applicationId: APP, endpointId: 'a/b c' }],
  ])('%s %s', (method, url, call) => {
    expect(replayCallOf(method, url)).toEqual(call);
  });

  it.each([
    ['GET', `/v1/apps/${APP}/endpoints/ep-1`],
    ['POST', `/v1/apps/${APP}/endpoints/ep-1`],
    ['PUT', `/v1/apps/${APP}/events`],
    ['POST', `/v1/apps/${APP}/events/other`],
    ['PUT', `/v1/apps/${APP}/endpoints/`],
    ['PUT', `/v1/apps/${APP}/endpoints/a/b`],
    ['PUT', `/v1/apps/${APP}/endpoints/%E0%A4%A`],
    ['OPTIONS', '/2014-06-05/events'],
    ['POST', '/2014-06-05/events/extra'],
    ['GET', '/'],
  ])('%s %s is none of them', (method, url) => {
    expect(replayCallOf(method, url)).toBeUndefined();
  });

  it('signs Pinpoint calls for mobiletargeting, legacy PutEvents (and anything else) for mobileanalytics', () => {
    expect(signingServiceOf('POST', `/v1/apps/${APP}/events/legacy`)).toBe(PINPOINT_SIGNING_SERVICE);
    expect(signingServiceOf('PUT', `/v1/apps/${APP}/endpoints/ep-1`)).toBe(PINPOINT_SIGNING_SERVICE);
    expect(signingServiceOf('POST', '/2014-06-05/events')).toBe(LEGACY_SIGNING_SERVICE);
    expect(signingServiceOf('POST', '/elsewhere')).toBe(LEGACY_SIGNING_SERVICE);
    expect([PINPOINT_SIGNING_SERVICE, LEGACY_SIGNING_SERVICE]).toEqual(['mobiletargeting', 'mobileanalytics']);
  });
});
