import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { bodyEncoding, byteMutation, w } from './arbitraries';
import { fromValue, render, type JsonNode } from './json-text';
import type { PinpointFixture } from './pinpoint-fixtures';
import { applyPinpointChange, endpointRequestChange, eventsRequestChange, type PinpointChange } from './pinpoint-mutations';
import { appLessPath, appSegment, endpointPath, putEventsPath, query, strayRequestLine } from './pinpoint-path-arbitraries';
import { endpointRequest, eventsRequest, notJsonText } from './pinpoint-values';
import type { PinpointLimits } from './pinpoint-oracle';
import { PINPOINT_USER_AGENTS, type PinpointRequestSpec } from './pinpoint-wire';
import type { BodyEncoding, ByteMutation } from './wire';

/**
 * The Pinpoint fuzz suite's requests, a weighted mix: generated and fixture-based PutEvents
 * requests with changes, UpdateEndpoint bodies (valid and not, `EffectiveDate` older and newer),
 * GetEndpoint calls, the API's other operations and odd paths, bodies that are not JSON, and a
 * few bodies near the 4 MB limit; each with a sender's user agent, a Content-Type (right, wrong
 * or none), a Content-Encoding (gzip right or corrupt, others, lying headers) and now and then
 * damaged bytes or `Expect: 100-continue`.
 */

const agent = fc.constantFrom(...PINPOINT_USER_AGENTS);

const contentType: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
  w(12, fc.constantFrom<Array<[string, string]>>([['Content-Type', 'application/json']], [['Content-Type', 'application/x-amz-json-1.1']])),
  w(
    3,
    fc.constantFrom<Array<[string, string]>>(
      [],
      [['Content-Type', 'application/json; charset=utf-8']],
      [['Content-Type', 'text/plain;charset=UTF-8']],
      [['Content-Type', 'application/x-www-form-urlencoded']],
      [['Content-Type', 'multipart/form-data; boundary=x']],
      [['Content-Type', 'application/xml']],
      [['Content-Type', '']],
      [['Content-Type', 'application/json'], ['Content-Type', 'text/html']],
    ),
  ),
);

/** Headers beside the agent's and the Content-Type: none mostly, `Expect: 100-continue`, a stray signature or date. */
const extraHeaders: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
  w(30, fc.constant<Array<[string, string]>>([])),
  w(
    1,
    fc.constantFrom<Array<[string, string]>>(
      [['Expect', '100-continue']],
      [['Authorization', 'AWS4-HMAC-SHA256 Credential=x/20261122/us-east-1/mobiletargeting/aws4_request, SignedHeaders=host, Signature=00']],
      [['X-Amz-Date', 'not a date']],
      [['Origin', 'https://app.example.com']],
    ),
  ),
);

const bytes: fc.Arbitrary<ByteMutation[]> = fc.oneof(w(14, fc.constant<ByteMutation[]>([])), w(1, fc.array(byteMutation, { minLength: 1, maxLength: 2 })));

const PLAIN: BodyEncoding = { as: 'plain', header: undefined, param: 0 };

/** Applies changes to a JSON node; the descriptions of those that found a place. */
function applyAll(root: JsonNode, changes: readonly PinpointChange[]): string[] {
  return changes.map((change) => applyPinpointChange(root, change)).filter((done): done is string => done !== undefined);
}

const origin = (what: string, done: readonly string[]): string => (done.length > 0 ? `${what}; ${done.join('; ')}` : what);

const changes = (change: fc.Arbitrary<PinpointChange>): fc.Arbitrary<PinpointChange[]> =>
  fc.oneof(w(2, fc.constant<PinpointChange[]>([])), w(1, fc.array(change, { minLength: 1, maxLength: 3 })));

/** What every body-carrying request draws beside its body: who sends it, how, and damage on the wire. */
const transport = fc.record({ agent, contentType, extra: extraHeaders, encoding: bodyEncoding, wire: bytes });

/** A generated PutEvents request. */
const generatedPutEvents: fc.Arbitrary<PinpointRequestSpec> = fc
  .tuple(eventsRequest, changes(eventsRequestChange), putEventsPath, transport)
  .map(([body, toApply, path, t]): PinpointRequestSpec => {
    const done = applyAll(body, toApply);
    return {
      origin: origin('generated EventsRequest', done),
      agent: t.agent,
      method: 'POST',
      path,
      headers: [...t.contentType, ...t.extra],
      body: Buffer.from(render(body), 'utf8'),
      encoding: t.encoding,
      wireMutations: t.wire,
    };
  });

/** A generated UpdateEndpoint request. */
const generatedUpdateEndpoint: fc.Arbitrary<PinpointRequestSpec> = fc
  .tuple(endpointRequest, changes(endpointRequestChange), endpointPath, transport)
  .map(([body, toApply, path, t]): PinpointRequestSpec => {
    const done = applyAll(body, toApply);
    return {
      origin: origin('generated EndpointRequest', done),
      agent: t.agent,
      method: 'PUT',
      path,
      headers: [...t.contentType, ...t.extra],
      body: Buffer.from(render(body), 'utf8'),
      encoding: t.encoding,
      wireMutations: t.wire,
    };
  });

/** GetEndpoint: no body mostly. */
const getEndpoint: fc.Arbitrary<PinpointRequestSpec> = fc
  .tuple(endpointPath, agent, fc.oneof(w(20, fc.constant('')), w(1, fc.constantFrom('{}', 'x'))))
  .map(([path, a, body]): PinpointRequestSpec => ({ origin: 'GetEndpoint', agent: a, method: 'GET', path, headers: [], body: Buffer.from(body), encoding: PLAIN, wireMutations: [] }));

/** The API's other operations, other methods on the served paths, paths without an application id. */
const strayRequest: fc.Arbitrary<PinpointRequestSpec> = fc
  .tuple(fc.oneof(w(6, strayRequestLine), w(1, appLessPath.map((path) => ({ method: 'POST', path })))), agent, fc.constantFrom('', '{"BatchItem":{}}'))
  .map(([line, a, body]): PinpointRequestSpec => ({
    origin: `${line.method} elsewhere`,
    agent: a,
    method: line.method,
    path: line.path,
    headers: [['Content-Type', 'application/json']],
    body: Buffer.from(body),
    encoding: PLAIN,
    wireMutations: [],
  }));

/** Bodies that are not JSON (empty, blank, cut, a form), to PutEvents or UpdateEndpoint. */
const notJson: fc.Arbitrary<PinpointRequestSpec> = fc
  .tuple(notJsonText, fc.oneof(putEventsPath.map((path) => ({ method: 'POST', path })), endpointPath.map((path) => ({ method: 'PUT', path }))), transport)
  .map(([text, line, t]): PinpointRequestSpec => ({
    origin: `not JSON: ${JSON.stringify(text)}`,
    agent: t.agent,
    method: line.method,
    path: line.path,
    headers: t.contentType,
    body: Buffer.from(text, 'utf8'),
    encoding: t.encoding,
    wireMutations: [],
  }));

/**
 * Bodies near the limits: a valid PutEvents request padded (in one event's `AppTitle`) to
 * `PINPOINT_BODY_LIMIT` (4 MB) less or more a few bytes, or gzipped to inflate to
 * `INFLATED_BODY_LIMIT` or one byte more.
 */
const nearLimit = ({ pinpointBodyLimit, inflatedBodyLimit }: PinpointLimits): fc.Arbitrary<PinpointRequestSpec> =>
  fc
    .tuple(
      fc.constantFrom(
        { size: pinpointBodyLimit - 64, gzip: false },
        { size: pinpointBodyLimit, gzip: false },
        { size: pinpointBodyLimit + 1, gzip: false },
        { size: inflatedBodyLimit, gzip: true },
        { size: inflatedBodyLimit + 1, gzip: true },
      ),
      appSegment,
      agent,
      fc.uuid(),
    )
    .map(([{ size, gzip }, app, a, key]): PinpointRequestSpec => {
      const shell = (title: string): string =>
        render(
          fromValue({
            BatchItem: { 'fuzz-endpoint-big': { Endpoint: {}, Events: { [key]: { EventType: 'big', Timestamp: '2026-11-22T10:00:00.000Z', AppTitle: title } } } },
          }),
        );
      const padding = Math.max(0, size - Buffer.byteLength(shell('')));
      const plain = Buffer.from(shell('t'.repeat(padding)), 'utf8');
      return {
        origin: `${plain.length}-byte body${gzip ? ', gzipped' : ''}`,
        agent: a,
        method: 'POST',
        path: `/v1/apps/${app}/events`,
        headers: [['Content-Type', 'application/json']],
        body: gzip ? gzipSync(plain, { level: 1 }) : plain,
        encoding: gzip ? { as: 'plain', header: 'gzip', param: 0 } : PLAIN,
        wireMutations: [],
      };
    });

/** A gzip bomb: a small body that inflates past `inflatedBodyLimit`. */
const gzipBomb = (inflatedBodyLimit: number): fc.Arbitrary<PinpointRequestSpec> =>
  fc.tuple(putEventsPath, agent).map(([path, a]): PinpointRequestSpec => ({
    origin: 'gzip bomb',
    agent: a,
    method: 'POST',
    path,
    headers: [['Content-Type', 'application/json']],
    body: gzipSync(Buffer.alloc(inflatedBodyLimit + 1024, 0x20), { level: 9 }),
    encoding: { as: 'plain', header: 'gzip', param: 0 },
    wireMutations: [],
  }));

/** The path a fixture goes to: its device's own mostly, else one the suite picks for its operation. */
function fixturePath(fixture: PinpointFixture): fc.Arbitrary<string> {
  const chosen = fixture.operation === 'PutEvents' ? putEventsPath : endpointPath;
  if (fixture.path === undefined) return chosen;
  const own = fixture.path;
  return fc.oneof(w(3, fc.constant(own)), w(1, query.map((q) => own + q)), w(2, chosen));
}

/** A fixture with 0 to 3 changes to its JSON, then its transport, path and sender as drawn. */
function fixtureRequest(fixture: PinpointFixture): fc.Arbitrary<PinpointRequestSpec> {
  const change = fixture.operation === 'PutEvents' ? eventsRequestChange : endpointRequestChange;
  return fc
    .tuple(
      fc.oneof(w(1, fc.constant<PinpointChange[]>([])), w(4, fc.array(change, { minLength: 1, maxLength: 3 }))),
      fixturePath(fixture),
      transport,
      fc.oneof(w(3, fc.constant(true)), w(1, fc.constant(false))),
    )
    .map(([toApply, path, t, keepOwnTransport]): PinpointRequestSpec => {
      let body = fixture.body;
      let done: string[] = [];
      if (toApply.length > 0) {
        const root = fromValue(JSON.parse(fixture.body.toString('utf8')));
        done = applyAll(root, toApply);
        body = Buffer.from(render(root), 'utf8');
      }
      const own = keepOwnTransport && fixture.agent !== undefined;
      return {
        origin: origin(`fixture "${fixture.name}"${own ? '' : ` (${t.agent.kind}, ${JSON.stringify(t.encoding)})`}`, done),
        agent: own ? (fixture.agent ?? t.agent) : t.agent,
        method: fixture.operation === 'PutEvents' ? 'POST' : 'PUT',
        path,
        headers: own ? fixture.headers : [...t.contentType, ...t.extra],
        body,
        encoding: own ? PLAIN : t.encoding,
        wireMutations: own ? [] : t.wire,
      };
    });
}

/** The request mix, with bodies near the service's `limits` (from its config). */
export function pinpointRequestArbitrary(fixtures: readonly PinpointFixture[], limits: PinpointLimits): fc.Arbitrary<PinpointRequestSpec> {
  const putEventsFixtures = fixtures.filter((f) => f.operation === 'PutEvents');
  const endpointFixtures = fixtures.filter((f) => f.operation === 'UpdateEndpoint');
  // Calls of 100 events cost more to change and send: picked less often.
  const pickFixture = (list: readonly PinpointFixture[]): fc.Arbitrary<PinpointRequestSpec> =>
    fc.oneof(...list.map((f) => w(f.body.length > 20_000 ? 1 : 4, fixtureRequest(f))));
  return fc.oneof(
    w(400, generatedPutEvents),
    w(220, pickFixture(putEventsFixtures)),
    w(90, generatedUpdateEndpoint),
    w(30, pickFixture(endpointFixtures)),
    w(70, getEndpoint),
    w(40, strayRequest),
    w(30, notJson),
    w(1, nearLimit(limits)),
    w(1, gzipBomb(limits.inflatedBodyLimit)),
    w(1, fc.constant<PinpointRequestSpec>({ origin: 'empty body', agent: PINPOINT_USER_AGENTS[0] as PinpointRequestSpec['agent'], method: 'POST', path: '/v1/apps/fuzz-app-1/events', headers: [], body: Buffer.alloc(0), encoding: PLAIN, wireMutations: [] })),
  );
}
