import fc from 'fast-check';
import { w } from './arbitraries';
import { APP_IDS, SHARED_ENDPOINT_IDS, cleanText } from './pinpoint-values';

/**
 * Paths of the Pinpoint API as the fuzz suite sends them: ids percent-encoded as SDKs do, over-
 * or under-encoded, segments no id can be (bad escapes, encoded control characters or lone
 * surrogates, 257 characters), queries, and the API's other operations and methods. Only
 * printable ASCII goes raw: Node's own parser refuses other bytes before the service sees them.
 */

const hex = (byte: number, upper: boolean): string => {
  const text = byte.toString(16).padStart(2, '0');
  return `%${upper ? text.toUpperCase() : text}`;
};

/** Every byte of the id's UTF-8 percent-encoded. */
function percentAll(id: string, upper: boolean): string {
  return [...Buffer.from(id, 'utf8')].map((byte) => hex(byte, upper)).join('');
}

/** Printable ASCII left raw but for the path's own delimiters, the rest encoded. */
function rawWherePossible(id: string): string {
  return [...id].map((c) => (/^[!-~]$/.test(c) && !'/?#%'.includes(c) ? c : encodeURIComponent(c))).join('');
}

/** The path segment an SDK sends for an id, or an over- or under-encoded one that decodes to the same id. */
function encodedSegment(id: string): fc.Arbitrary<string> {
  return fc.oneof(
    w(20, fc.constant(encodeURIComponent(id))),
    w(2, fc.boolean().map((upper) => percentAll(id, upper))),
    w(2, fc.constant(rawWherePossible(id))),
  );
}

/** Segments that are no usable id: empty, bad escapes, encoded control characters, a lone surrogate or a slash, too long. */
const oddSegment = fc.constantFrom(
  '',
  '%',
  '%ZZ',
  '%E9',
  '%ED%A0%80',
  '%C0%AF',
  '%00',
  '%1F',
  '%7F',
  '%0A',
  'x'.repeat(256),
  'x'.repeat(257),
  '%2F',
  'a%2Fb',
  '.',
  '..',
  '%2e%2e',
  '%C3%BC',
  '%F0%9F%98%80',
  '$',
  '%24',
  "@:;=,!*'()",
  '%2520',
  '+',
);

/** An application id's segment: the shared ids mostly, now and then another id or an odd segment. */
export const appSegment: fc.Arbitrary<string> = fc.oneof(
  w(30, fc.constantFrom(...APP_IDS).chain(encodedSegment)),
  w(1, cleanText(40, 1).filter((id) => id.isWellFormed()).chain(encodedSegment)),
  w(1, oddSegment),
);

/** An endpoint id's segment: the ids PutEvents requests share mostly, a new UUID, another id, or an odd segment. */
const endpointSegment: fc.Arbitrary<string> = fc.oneof(
  w(24, fc.constantFrom(...SHARED_ENDPOINT_IDS).chain(encodedSegment)),
  w(3, fc.uuid().chain(encodedSegment)),
  w(1, cleanText(40, 1).filter((id) => id.isWellFormed()).chain(encodedSegment)),
  w(1, oddSegment),
);

/** Query strings (the service ignores them): none mostly, empty, a parameter, a presigned query's parameters, bad escapes. */
export const query: fc.Arbitrary<string> = fc.oneof(
  w(40, fc.constant('')),
  w(1, fc.constantFrom('?', '?x=1', '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00', '?a=%ZZ', '?#', '?/v1/apps/x/events', '?x=%00')),
);

/** PutEvents' path, or Amplify JS v5's beacon path for the same request. */
export const putEventsPath: fc.Arbitrary<string> = fc
  .tuple(appSegment, fc.oneof(w(9, fc.constant('/events')), w(1, fc.constant('/events/legacy'))), query)
  .map(([app, operation, q]) => `/v1/apps/${app}${operation}${q}`);

/** UpdateEndpoint's and GetEndpoint's path. */
export const endpointPath: fc.Arbitrary<string> = fc.tuple(appSegment, endpointSegment, query).map(([app, endpoint, q]) => `/v1/apps/${app}/endpoints/${endpoint}${q}`);

/** A method and a path under `/v1/apps/` that name no operation the service serves (or, now and then, one it does). */
export const strayRequestLine: fc.Arbitrary<{ method: string; path: string }> = fc
  .tuple(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
    fc.constantFrom(...APP_IDS),
    fc.constantFrom(...SHARED_ENDPOINT_IDS).map(encodeURIComponent),
    fc.constantFrom(
      '',
      '/',
      '/events',
      '/events/',
      '/events/legacy/x',
      '/events%2Flegacy',
      '/EVENTS',
      '/endpoints',
      '/endpoints/',
      '/endpoints/{e}/x',
      '/endpoints/{e}',
      '/users/u-1',
      '/eventstreams',
      '//events',
      '/events//',
      '/events;x=1',
    ),
  )
  .map(([method, app, endpoint, tail]) => ({ method, path: `/v1/apps/${app}${tail.replace('{e}', endpoint)}` }));

/** Paths under `/v1/apps/` without an application id. */
export const appLessPath = fc.constantFrom('/v1/apps/', '/v1/apps//events', '/v1/apps//endpoints/x', '/v1/apps/%20/events');
