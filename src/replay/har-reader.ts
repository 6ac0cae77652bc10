import { readFile, stat } from 'node:fs/promises';
import { replayCallOf } from './replay-call';
import { ReplayInputError } from './replay-input-error';
import type { ReplayRequest } from './replay-request';

/**
 * The largest HAR file read. A HAR file is one JSON document, read and parsed whole; past this
 * size it is refused with a message rather than risking the process's memory (and V8's longest
 * string, about 512 MiB).
 */
export const MAX_HAR_BYTES = 200 * 1024 * 1024;

/** The requests of a HAR file, and how many of its entries were not calls replay sends. */
export interface HarRequests {
  requests: ReplayRequest[];
  /** Entries left out: other methods and URLs (pages, scripts, CORS preflights, other APIs). */
  otherEntries: number;
}

/** The part of a HAR 1.2 entry read here. */
interface HarEntry {
  startedDateTime?: unknown;
  request?: {
    method?: unknown;
    url?: unknown;
    headers?: unknown;
    postData?: { text?: unknown; encoding?: unknown };
  };
  response?: { status?: unknown };
}

/**
 * The headers of a HAR request (`[{name, value}]`) as replay keeps them: names in lower case,
 * repeated names joined with ", ", HTTP/2 pseudo-headers (`:authority`, `:path`, … as Chrome lists
 * them) left out, since they are not headers of the request but its line.
 */
function harHeaders(headers: unknown, where: string): Record<string, string> {
  if (headers === undefined) return {};
  if (!Array.isArray(headers)) throw new ReplayInputError(`${where}: request.headers is not a list of {name, value}`);
  const result: Record<string, string> = {};
  for (const header of headers as unknown[]) {
    const { name, value } = (header ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name !== 'string' || typeof value !== 'string') throw new ReplayInputError(`${where}: request.headers holds an entry without a string name and value`);
    if (name.startsWith(':')) continue;
    const lower = name.toLowerCase();
    result[lower] = result[lower] === undefined ? value : `${result[lower]}, ${value}`;
  }
  return result;
}

/** True when `body` starts as a gzip member or a zlib stream does: the encodings legacy clients send. */
function looksCompressed(body: Buffer): boolean {
  const [first, second] = body;
  if (first === undefined || second === undefined) return false;
  if (first === 0x1f && second === 0x8b) return true;
  return (first & 0x0f) === 8 && ((first << 8) | second) % 31 === 0;
}

/**
 * The body of a HAR request and the headers to send it with. `postData.text` is the body as
 * UTF-8, or base64 when `postData.encoding` is `"base64"` (tools that keep binary bodies write
 * that; HAR 1.2 itself defines `encoding` only for responses). A text body under a
 * `Content-Encoding` that it is not encoded with was written decoded by the exporter (mitmproxy
 * does so): the header is dropped, so the target is not told to inflate plain JSON. No
 * `postData` (or no `text`) means the exporter did not keep the body: null.
 */
function harBody(postData: { text?: unknown; encoding?: unknown } | undefined, headers: Record<string, string>, where: string): Buffer | null {
  if (postData?.text === undefined) return null;
  if (typeof postData.text !== 'string') throw new ReplayInputError(`${where}: request.postData.text is not a string`);
  if (postData.encoding === 'base64') return Buffer.from(postData.text, 'base64');
  if (postData.encoding !== undefined) throw new ReplayInputError(`${where}: request.postData.encoding ${JSON.stringify(postData.encoding)} is not one replay reads (only "base64")`);
  const body = Buffer.from(postData.text, 'utf8');
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity' && !looksCompressed(body)) delete headers['content-encoding'];
  return body;
}

/** The path and query of a HAR request URL (absolute in every exporter; taken as a path otherwise). */
function pathAndQuery(url: string): string {
  const parsed = new URL(url, 'http://host.invalid');
  return `${parsed.pathname}${parsed.search}`;
}

/** The replay request of one entry, or undefined when it is not a call replay sends (`replayCallOf`). */
function entryRequest(entry: HarEntry, source: string): ReplayRequest | undefined {
  const request = entry.request;
  if (request === undefined || typeof request.method !== 'string' || typeof request.url !== 'string') return undefined;
  const { method } = request;
  const url = pathAndQuery(request.url);
  if (replayCallOf(method, url) === undefined) return undefined;
  const time = typeof entry.startedDateTime === 'string' ? Date.parse(entry.startedDateTime) : Number.NaN;
  if (Number.isNaN(time)) throw new ReplayInputError(`${source}: startedDateTime is not a date`);
  const headers = harHeaders(request.headers, source);
  const body = harBody(request.postData, headers, source);
  const status = entry.response?.status;
  return {
    source,
    time,
    method,
    url,
    headers,
    body,
    // HAR writes 0 (or nothing) when no response came.
    ...(typeof status === 'number' && status > 0 ? { recordedStatus: status } : {}),
  };
}

/**
 * Reads a HAR file (HTTP Archive 1.2, as browser devtools, mitmproxy and Charles export it) and
 * takes the calls replay sends (`replayCallOf`: legacy PutEvents, `POST …/2014-06-05/events`;
 * Pinpoint PutEvents, `POST …/v1/apps/{id}/events` and its `…/events/legacy` beacon;
 * UpdateEndpoint, `PUT …/v1/apps/{id}/endpoints/{id}`), in the order of `log.entries`. A beacon's
 * URL keeps the presigned query it was captured with, as other entries keep their recorded
 * Authorization header: `--sign` replaces either. Fields read: `startedDateTime`,
 * `request.method`, `request.url` (its path and query), `request.headers`, `request.postData.text`
 * and `.encoding`, and `response.status`. Throws a `ReplayInputError` for a file over `maxBytes`,
 * that is not JSON or has no `log.entries`, or whose calls lack those fields.
 */
export async function readHar(file: string, maxBytes = MAX_HAR_BYTES): Promise<HarRequests> {
  const { size } = await stat(file);
  if (size > maxBytes) {
    throw new ReplayInputError(`${file}: a HAR file is read whole, and this one is ${size} bytes, more than ${maxBytes}; export fewer requests per file`);
  }
  let har: unknown;
  try {
    har = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, '')) as unknown;
  } catch (err: unknown) {
    throw new ReplayInputError(`${file}: not a HAR file: ${(err as Error).message}`);
  }
  const entries = (har as { log?: { entries?: unknown } } | null)?.log?.entries;
  if (!Array.isArray(entries)) throw new ReplayInputError(`${file}: not a HAR file: it has no log.entries list`);
  const requests: ReplayRequest[] = [];
  entries.forEach((entry: unknown, index) => {
    const request = entryRequest(entry ?? {}, `${file}#entries[${index}]`);
    if (request) requests.push(request);
  });
  return { requests, otherEntries: entries.length - requests.length };
}
