import http, { type IncomingHttpHeaders } from 'node:http';
import { deflateRawSync, deflateSync, gzipSync, brotliCompressSync } from 'node:zlib';
import type { ClientKind } from '../../src/legacy/types';

/**
 * How the fuzz suite describes one request before it becomes bytes: who sends it (User-Agent
 * headers, hence the client kind the answer must fit), the client context and how it travels,
 * the body's JSON bytes and how they are encoded on the wire.
 */
export interface RequestSpec {
  /** Where the request comes from: `generated`, or the fixture and the mutations applied. */
  origin: string;
  agent: UserAgent;
  /** Other headers (Content-Type, Host, X-Amz-*, the device's Authorization...). */
  headers: Array<[string, string]>;
  context: ContextSpec;
  /** The body before any Content-Encoding (usually JSON, maybe broken). */
  body: Buffer;
  encoding: BodyEncoding;
  /** Byte mutations applied to the body as sent (after encoding). */
  wireMutations: ByteMutation[];
  /** Appended to the path (`?x=1` must reach the same route). */
  query?: string;
}

/** The `x-amz-Client-Context` header: a JSON text sent raw or as base64, or an exact header value. */
export interface ContextSpec {
  /** The context's JSON text (maybe invalid). */
  text: string;
  as: 'raw' | 'base64';
  /** `x-amz-Client-Context-Encoding`, absent when undefined. */
  encodingHeader: string | undefined;
  /** Replaces the computed header value: `null` omits the header. */
  override?: string | null;
}

/**
 * How the body goes on the wire: `as` is what is done to the bytes, `header` is the
 * Content-Encoding sent (which may lie); `param` is a fraction or position where `as` needs one.
 */
export interface BodyEncoding {
  as: 'plain' | 'gzip' | 'deflate' | 'deflate-raw' | 'brotli' | 'gzip-two-members' | 'gzip-truncated' | 'gzip-corrupt';
  header: string | undefined;
  /** 0..1: where to split (two members) or cut (truncated), or which compressed byte to corrupt. */
  param: number;
}

/** A byte-level change: `at` is a fraction of the length (0..1). */
export type ByteMutation =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; mask: number }
  | { op: 'insert'; at: number; bytes: number[] };

/** A User-Agent header set and the client (or sender) kind the proxy must detect from it. */
export interface UserAgent<Kind extends string = ClientKind> {
  kind: Kind;
  headers: Array<[string, string]>;
}

const MOZILLA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/**
 * User-Agent header sets of every client kind; the kind is stated here, not asked of the
 * proxy's `detectClientSdk` (the suite checks that it agrees).
 */
export const USER_AGENTS: readonly UserAgent[] = [
  {
    kind: 'android',
    headers: [['User-Agent', 'aws-sdk-android/2.2.5 Linux/3.4.0 Dalvik/2.1.0/0 en_US com.amazonaws.mobileconnectors.amazonmobileanalytics.MobileAnalyticsManager/2.2.5']],
  },
  { kind: 'android', headers: [['User-Agent', 'aws-sdk-android/2.1.3 Linux/3.4.0-g1234567 Dalvik/2.1.0/0 en_US']] },
  { kind: 'ios', headers: [['User-Agent', 'aws-sdk-iOS/2.4.1 iPhone-OS/9.3 en_US']] },
  { kind: 'ios', headers: [['User-Agent', 'aws-sdk-iOS/2.8.4 iOS/11.2 en_US']] },
  { kind: 'js', headers: [['User-Agent', 'aws-sdk-nodejs/2.1693.0 linux/v20.20.2 callback']] },
  { kind: 'js', headers: [['User-Agent', MOZILLA], ['X-Amz-User-Agent', 'aws-sdk-js/2.96.0 callback']] },
  { kind: 'js', headers: [['User-Agent', MOZILLA]] },
  { kind: 'unknown', headers: [] },
  { kind: 'unknown', headers: [['User-Agent', 'okhttp/3.12.1']] },
  { kind: 'unknown', headers: [['User-Agent', 'Dalvik/2.1.0 (Linux; U; Android 9; Pixel 3)']] },
  { kind: 'unknown', headers: [['User-Agent', 'aws-sdk-ruby3/3.1.0']] },
];

/** A request as it goes on the wire; `Kind` is the client kind its answer must fit (legacy clients, or Pinpoint senders). */
export interface FuzzRequest<Kind extends string = ClientKind> {
  /** Position in the run (with the seed, enough to regenerate it). */
  index: number;
  origin: string;
  kind: Kind;
  method: string;
  path: string;
  /** Header values are latin1 strings (UTF-8 bytes of a raw JSON context appear byte by byte). */
  headers: Array<[string, string]>;
  body: Buffer;
}

export const EVENTS_PATH = '/2014-06-05/events';

function at(length: number, fraction: number): number {
  return Math.min(length, Math.max(0, Math.floor(fraction * length)));
}

/** Applies byte mutations in order. */
export function mutateBytes(bytes: Buffer, mutations: readonly ByteMutation[]): Buffer {
  let out = bytes;
  for (const m of mutations) {
    switch (m.op) {
      case 'truncate':
        out = out.subarray(0, at(out.length, m.at));
        break;
      case 'flip': {
        if (out.length === 0) break;
        const copy = Buffer.from(out);
        const i = Math.min(copy.length - 1, at(copy.length, m.at));
        copy[i] = (copy[i] as number) ^ (m.mask || 1);
        out = copy;
        break;
      }
      case 'insert': {
        const i = at(out.length, m.at);
        out = Buffer.concat([out.subarray(0, i), Buffer.from(m.bytes), out.subarray(i)]);
        break;
      }
    }
  }
  return out;
}

/** The body bytes as sent, for an encoding. */
export function encodeBody(plain: Buffer, encoding: BodyEncoding): Buffer {
  switch (encoding.as) {
    case 'plain':
      return plain;
    case 'gzip':
      return gzipSync(plain);
    case 'deflate':
      return deflateSync(plain);
    case 'deflate-raw':
      return deflateRawSync(plain);
    case 'brotli':
      return brotliCompressSync(plain);
    case 'gzip-two-members': {
      const split = at(plain.length, encoding.param);
      return Buffer.concat([gzipSync(plain.subarray(0, split)), gzipSync(plain.subarray(split))]);
    }
    case 'gzip-truncated': {
      const gz = gzipSync(plain);
      return gz.subarray(0, at(gz.length - 1, encoding.param));
    }
    case 'gzip-corrupt': {
      const gz = Buffer.from(gzipSync(plain));
      const i = Math.min(gz.length - 1, at(gz.length, encoding.param));
      gz[i] = (gz[i] as number) ^ 0x5a;
      return gz;
    }
  }
}

/** A JSON text as a raw header value: its UTF-8 bytes as latin1 characters, DEL escaped (Node refuses it in headers). */
export function rawHeaderValue(text: string): string {
  return Buffer.from(text.replace(/\x7f/g, '\\u007f'), 'utf8').toString('latin1');
}

/** Header values Node can send: no control characters but tab, no DEL, latin1 only. */
export function sendable(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

/** Turns a spec into the request as sent. */
export function buildRequest(spec: RequestSpec, index: number): FuzzRequest {
  const headers: Array<[string, string]> = [...spec.agent.headers, ...spec.headers];
  const { context } = spec;
  const contextValue =
    context.override !== undefined ? context.override : context.as === 'base64' ? Buffer.from(context.text, 'utf8').toString('base64') : rawHeaderValue(context.text);
  if (contextValue !== null) headers.push(['x-amz-Client-Context', sendable(contextValue)]);
  if (context.encodingHeader !== undefined) headers.push(['x-amz-Client-Context-Encoding', sendable(context.encodingHeader)]);
  if (spec.encoding.header !== undefined) headers.push(['Content-Encoding', sendable(spec.encoding.header)]);
  const body = mutateBytes(encodeBody(spec.body, spec.encoding), spec.wireMutations);
  return { index, origin: spec.origin, kind: spec.agent.kind, method: 'POST', path: EVENTS_PATH + (spec.query ?? ''), headers, body };
}

/** The value the server sees for a header: the first one of that name, without surrounding blanks (as Node's parser gives it). */
export function headerValue(request: FuzzRequest<string>, name: string): string | undefined {
  const found = request.headers.find(([n]) => n.toLowerCase() === name.toLowerCase());
  return found?.[1].replace(/^[ \t]+|[ \t]+$/g, '');
}

/** What came back: an answer, or no answer (a transport error or a timeout). */
export type Outcome =
  | { answered: true; status: number; headers: IncomingHttpHeaders; body: string; ms: number }
  | { answered: false; error: string; ms: number };

/** Sends one request over a keep-alive agent; never waits longer than `timeoutMs` for the whole answer. */
export function send(agent: http.Agent, baseUrl: URL, request: FuzzRequest<string>, timeoutMs: number): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const headers: Record<string, string> = {};
    for (const [name, value] of request.headers) {
      if (name.toLowerCase() === 'content-length') continue;
      headers[name] = value;
    }
    headers['Content-Length'] = String(request.body.length);
    const req = http.request(
      { host: baseUrl.hostname, port: baseUrl.port, path: request.path, method: request.method, agent, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          finish({ answered: true, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started });
        });
        res.on('error', (err) => finish({ answered: false, error: `response error: ${err.message}`, ms: Date.now() - started }));
      },
    );
    const timer = setTimeout(() => {
      finish({ answered: false, error: `no complete answer within ${timeoutMs} ms`, ms: Date.now() - started });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish({ answered: false, error: `${err.code ?? 'error'}: ${err.message}`, ms: Date.now() - started }));
    req.end(request.body);
  });
}

/** A request as text for a failure message: method, path, headers, body as base64 (cut to `maxBodyBytes`). */
export function describeRequest(request: FuzzRequest<string>, maxBodyBytes = 3000): string {
  const lines = [`#${request.index} ${request.origin} (client kind ${request.kind})`, `${request.method} ${request.path}`];
  for (const [name, value] of request.headers) {
    const text = value.length > 2000 ? `${value.slice(0, 2000)}… (${value.length} chars)` : value;
    lines.push(`${name}: ${JSON.stringify(text)}`);
  }
  const shown = request.body.subarray(0, maxBodyBytes);
  const cut = request.body.length > maxBodyBytes ? ` (first ${maxBodyBytes} of ${request.body.length} bytes)` : ` (${request.body.length} bytes)`;
  lines.push(`body base64${cut}: ${shown.toString('base64')}`);
  return lines.join('\n');
}
