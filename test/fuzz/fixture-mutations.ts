import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { ClientFixture } from '../fixtures/clients/device-request';
import { bodyEncoding, byteMutation, contextSpec, contextWay, structuralChange, userAgent, type ContextWay } from './arbitraries';
import { fromValue, render, type JsonNode } from './json-text';
import { applyStructural, type AimedChange } from './structural';
import type { BodyEncoding, ByteMutation, RequestSpec, UserAgent } from './wire';

/** One mutation of a fixture; `pick` chooses the place. */
type FixtureMutation =
  | ({ t: 'json' } & AimedChange)
  | { t: 'plain-bytes'; change: ByteMutation }
  | { t: 'wire-bytes'; change: ByteMutation }
  | { t: 'encoding'; encoding: BodyEncoding }
  | { t: 'context-way'; way: ContextWay }
  | { t: 'agent'; agent: UserAgent };

const fixtureMutation: fc.Arbitrary<FixtureMutation> = fc.oneof(
  { weight: 8, arbitrary: structuralChange.map((change) => ({ t: 'json' as const, ...change })) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('plain-bytes' as const), change: byteMutation }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('wire-bytes' as const), change: byteMutation }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('encoding' as const), encoding: bodyEncoding }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('context-way' as const), way: contextWay }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('agent' as const), agent: userAgent }) },
);

/**
 * Client contexts stay under this size: with more than 16 KB of headers Node's HTTP parser answers
 * 431 itself, before the service sees the request (real contexts are under 1 KB).
 */
export const MAX_CONTEXT_BYTES = 8000;

/** A fixture taken apart: its headers, the client context's JSON and how it travelled, the body's JSON and its encoding. */
interface FixtureParts {
  fixture: ClientFixture;
  agent: UserAgent;
  headers: Array<[string, string]>;
  contextText: string;
  way: ContextWay;
  plain: Buffer;
  encoding: BodyEncoding;
}

const OWN_HEADERS = new Set(['user-agent', 'x-amz-user-agent', 'content-length', 'connection', 'content-encoding', 'x-amz-client-context', 'x-amz-client-context-encoding']);

function takeApart(fixture: ClientFixture): FixtureParts {
  const find = (name: string): string | undefined => Object.entries(fixture.headers).find(([n]) => n.toLowerCase() === name)?.[1];
  const contextHeader = find('x-amz-client-context') ?? '';
  const base64 = find('x-amz-client-context-encoding') !== undefined;
  const gzip = find('content-encoding') === 'gzip';
  return {
    fixture,
    agent: { kind: fixture.kind, headers: Object.entries(fixture.headers).filter(([n]) => ['user-agent', 'x-amz-user-agent'].includes(n.toLowerCase())) },
    headers: Object.entries(fixture.headers).filter(([n]) => !OWN_HEADERS.has(n.toLowerCase())),
    contextText: base64 ? Buffer.from(contextHeader, 'base64').toString('utf8') : contextHeader,
    way: base64 ? { as: 'base64', encodingHeader: find('x-amz-client-context-encoding'), at: 0 } : { as: 'raw', encodingHeader: undefined, at: 0 },
    plain: gzip ? gunzipSync(fixture.body) : fixture.body,
    encoding: gzip ? { as: 'gzip', header: 'gzip', param: 0 } : { as: 'plain', header: undefined, param: 0 },
  };
}

/** A fixture's request with the mutations applied (in a fixed order: JSON, JSON bytes, encoding, wire bytes, context, agent). */
function mutate(parts: FixtureParts, mutations: FixtureMutation[]): RequestSpec {
  const done: string[] = [];
  const parsed: { body?: JsonNode; context?: JsonNode } = {};
  for (const m of mutations.filter((x) => x.t === 'json')) {
    if (m.t !== 'json') continue;
    if (parsed[m.target] === undefined) {
      parsed[m.target] = fromValue(JSON.parse(m.target === 'body' ? parts.plain.toString('utf8') : parts.contextText));
    }
    const what = applyStructural(parsed[m.target] as JsonNode, m.change, m.pick);
    if (what) done.push(`${m.target}: ${what}`);
  }
  let plain = parsed.body ? Buffer.from(render(parsed.body), 'utf8') : parts.plain;
  const contextText = parsed.context ? render(parsed.context) : parts.contextText;
  let { encoding, way, agent } = parts;
  const wireMutations: ByteMutation[] = [];
  for (const m of mutations) {
    switch (m.t) {
      case 'json':
        break;
      case 'plain-bytes':
        plain = Buffer.from(plain);
        plain = mutateJsonBytes(plain, m.change);
        done.push(`JSON bytes: ${m.change.op} at ${m.change.at.toFixed(3)}`);
        break;
      case 'wire-bytes':
        wireMutations.push(m.change);
        done.push(`wire bytes: ${m.change.op} at ${m.change.at.toFixed(3)}`);
        break;
      case 'encoding':
        encoding = m.encoding;
        done.push(`encoding ${m.encoding.as} sent as ${JSON.stringify(m.encoding.header ?? null)}`);
        break;
      case 'context-way':
        way = m.way;
        done.push(`context ${m.way.as}${m.way.damage ? ` ${m.way.damage}` : ''}, encoding header ${JSON.stringify(m.way.encodingHeader ?? null)}`);
        break;
      case 'agent':
        agent = m.agent;
        done.push(`agent ${m.agent.kind}`);
        break;
    }
  }
  return {
    origin: `fixture "${parts.fixture.name}"${done.length ? `; ${done.join('; ')}` : ' unchanged'}`,
    agent,
    headers: parts.headers,
    context: contextSpec(contextText, way),
    body: plain,
    encoding,
    wireMutations,
  };
}

function mutateJsonBytes(bytes: Buffer, change: ByteMutation): Buffer {
  switch (change.op) {
    case 'truncate':
      return bytes.subarray(0, Math.floor(change.at * bytes.length));
    case 'flip': {
      if (bytes.length === 0) return bytes;
      const i = Math.min(bytes.length - 1, Math.floor(change.at * bytes.length));
      bytes[i] = (bytes[i] as number) ^ change.mask;
      return bytes;
    }
    case 'insert': {
      const i = Math.floor(change.at * bytes.length);
      return Buffer.concat([bytes.subarray(0, i), Buffer.from(change.bytes), bytes.subarray(i)]);
    }
  }
}

/**
 * Requests built from real client fixtures with 0–3 mutations each: JSON structure (duplicate
 * keys, deeper nesting, replaced or deleted values, unknown properties, lone surrogates, odd
 * timestamps, more events), bytes (cut, flipped, invalid UTF-8), encodings (gzip cut or corrupt,
 * two gzip members, deflate, lying headers), the client context's transport, the User-Agent.
 * Large fixtures are picked less often (they cost more to mutate and send).
 */
export function fixtureRequest(fixtures: readonly ClientFixture[]): fc.Arbitrary<RequestSpec> {
  const parts = fixtures.map(takeApart);
  const choices = parts.map((p) => ({ weight: p.fixture.body.length > 50_000 ? 1 : 6, arbitrary: fc.constant(p) }));
  return fc
    .tuple(fc.oneof(...choices), fc.oneof({ weight: 1, arbitrary: fc.constant([] as FixtureMutation[]) }, { weight: 6, arbitrary: fc.array(fixtureMutation, { minLength: 1, maxLength: 3 }) }))
    .map(([p, mutations]) => mutate(p, mutations))
    .filter((spec) => Buffer.byteLength(spec.context.text) <= MAX_CONTEXT_BYTES);
}
