/**
 * Headers replay never sends as recorded: they describe the recorded connection and framing, not
 * the request, and the HTTP client sets them for the new one (`host` for the target, the body's
 * `content-length`; no `transfer-encoding`, `connection` or `keep-alive` of a connection that is
 * gone; no `expect`, which would wait for a 100 Continue). `te`, `upgrade` and
 * `proxy-connection` are hop-by-hop too.
 */
const RECOMPUTED_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'expect', 'te', 'upgrade', 'proxy-connection']);

/**
 * The headers a recorded request is sent with: every recorded header (lower-case names, values
 * as recorded) except the hop-by-hop and length headers, with `host` set to the target's and
 * `content-length` to the body's.
 */
export function outgoingHeaders(recorded: Readonly<Record<string, string>>, targetHost: string, body: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(recorded)) {
    if (!RECOMPUTED_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  headers['host'] = targetHost;
  headers['content-length'] = String(body.length);
  return headers;
}
