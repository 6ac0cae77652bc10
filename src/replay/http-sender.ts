import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { outgoingHeaders } from './outgoing-headers';
import type { ReplayAnswer } from './replay-answer';
import type { ReplayClientKind } from './replay-request';
import { signingServiceOf, signRequest, type SigningCredentials } from './request-signer';

/** How long one request may take, connecting to the answer's end, before it counts as an error. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** The characters of an error answer's body kept as its detail when it names no error type. */
const DETAIL_CHARS = 200;

/** Signing with SigV4: the region and where credentials come from (resolved per request, so they refresh). */
export interface SigningOptions {
  readonly region: string;
  readonly credentials: () => Promise<SigningCredentials>;
}

/** Where and how the sender sends. */
export interface HttpSenderOptions {
  /** The base URL: a request's recorded path and query are appended to its path. */
  readonly target: URL;
  /** Connections kept open (keep-alive) to the target: one per request in flight. */
  readonly maxSockets: number;
  readonly sign?: SigningOptions;
  /** Unix ms now, for the signature's date. */
  readonly now: () => number;
  readonly timeoutMs?: number;
}

/** A request to send: a recorded request that has a body. */
export interface SendableRequest {
  readonly source: string;
  readonly clientKind: ReplayClientKind;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Sends recorded requests to the target. */
export interface HttpSender {
  /** Resolves with the answer, or an `'error'` answer; never rejects. */
  send(request: SendableRequest): Promise<ReplayAnswer>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/** The target's path joined with a recorded path and query (`https://staging/base` + `/2014-06-05/events`). */
function targetPath(target: URL, recorded: string): string {
  const base = target.pathname.replace(/\/+$/, '');
  return `${base}${recorded.startsWith('/') ? recorded : `/${recorded}`}`;
}

/** Reads an answer to its end: its status, and its body's start for the detail of a failure. */
function readAnswer(response: IncomingMessage): Promise<{ status: number; detail?: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      if (text.length < DETAIL_CHARS) text += chunk;
    });
    response.on('error', reject);
    response.on('end', () => {
      const status = response.statusCode ?? 0;
      const errorType = response.headers['x-amzn-errortype'];
      const detail = typeof errorType === 'string' ? errorType.split(':')[0] : text.trim().slice(0, DETAIL_CHARS);
      resolve(detail === undefined || detail === '' ? { status } : { status, detail });
    });
  });
}

/**
 * An HTTP(S) sender over one keep-alive agent: each request goes out with its recorded method,
 * headers (see `outgoingHeaders`) and body bytes, signed again when `sign` is set, for the service
 * of the call it makes (`signingServiceOf`: Pinpoint's or Mobile Analytics'). A connection
 * error or a request that takes longer than `timeoutMs` is an `'error'` answer naming the cause.
 */
export function createHttpSender(options: HttpSenderOptions): HttpSender {
  const { target } = options;
  const secure = target.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets }) : new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets });
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const prepare = async (request: SendableRequest): Promise<{ path: string; headers: Record<string, string> }> => {
    const path = targetPath(target, request.url);
    const headers = outgoingHeaders(request.headers, target.host, request.body);
    if (!options.sign) return { path, headers };
    const scope = { region: options.sign.region, service: signingServiceOf(request.method, request.url) };
    return signRequest({ method: request.method, path, headers, body: request.body }, scope, await options.sign.credentials(), options.now());
  };
  return {
    async send(request) {
      const started = performance.now();
      const answer = (status: number | 'error', detail?: string): ReplayAnswer => ({
        source: request.source,
        clientKind: request.clientKind,
        status,
        ms: Math.round(performance.now() - started),
        ...(detail !== undefined ? { detail } : {}),
      });
      try {
        const { path, headers } = await prepare(request);
        const send = secure ? httpsRequest : httpRequest;
        const result = await new Promise<{ status: number; detail?: string }>((resolve, reject) => {
          const outgoing = send({ protocol: target.protocol, hostname: target.hostname, port: target.port, method: request.method, path, headers, agent }, (response) => {
            readAnswer(response).then(resolve, reject);
          });
          outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
          outgoing.on('error', reject);
          outgoing.end(request.body);
        });
        return answer(result.status, result.detail);
      } catch (err: unknown) {
        const { code, message } = err as NodeJS.ErrnoException;
        return answer('error', code !== undefined ? `${code}: ${message}` : message);
      }
    },
    close() {
      agent.destroy();
    },
  };
}
