import aws4 from 'aws4';

/** AWS credentials as the standard chain resolves them. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The SigV4 service legacy Mobile Analytics requests are signed for. */
export const SIGNING_SERVICE = 'mobileanalytics';

/** Headers of the recorded signature, replaced by the new one (a stale date or token would void it). */
const SIGNATURE_HEADERS = new Set(['authorization', 'x-amz-date', 'x-amz-security-token']);

/** `YYYYMMDDTHHMMSSZ`, SigV4's `X-Amz-Date`. */
export function amzDate(unixMs: number): string {
  return new Date(unixMs).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/** What to sign: the request as it will be sent (headers with `host` and `content-length`). */
export interface RequestToSign {
  readonly method: string;
  /** Path and query on the target. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/**
 * Signs a request again with SigV4 for `mobileanalytics` in `region` (aws4), at `now`: the
 * recorded `Authorization`, `X-Amz-Date` and `X-Amz-Security-Token` are replaced, the session
 * token of temporary credentials added, and every other header sent is signed as it is
 * (aws4 leaves out only those a proxy may change, such as `user-agent`). Nothing else is added:
 * aws4 would otherwise invent a `Content-Type` for a body sent without one. Returns the headers
 * and the path (aws4 normalizes a query's encoding) to send.
 */
export function signRequest(request: RequestToSign, region: string, credentials: SigningCredentials, now: number): { path: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!SIGNATURE_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  const date = amzDate(now);
  headers['x-amz-date'] = date;
  if (credentials.sessionToken !== undefined) headers['x-amz-security-token'] = credentials.sessionToken;
  const signer = new aws4.RequestSigner(
    { method: request.method, host: headers['host'], path: request.path, headers, body: request.body, service: SIGNING_SERVICE, region, doNotModifyHeaders: true },
    credentials,
  );
  signer.datetime = date;
  const signed = signer.sign();
  return { path: signed.path ?? request.path, headers: { ...headers, authorization: String(signed.headers?.['Authorization']) } };
}
