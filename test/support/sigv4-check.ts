import aws4 from 'aws4';

/** A request as a test server received it: lower-case header names. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Asserts that a received request carries a valid SigV4 signature by `credentials` for `service`
 * in `region`: the signature is computed again with aws4 over the headers its `Authorization`
 * says were signed, at its `X-Amz-Date`.
 */
export function expectSignedBy(received: ReceivedRequest, credentials: { accessKeyId: string; secretAccessKey: string }, region: string, service: string): void {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(received.headers['authorization'] ?? '');
  if (!match) throw new Error(`malformed Authorization: ${received.headers['authorization']}`);
  const [, keyId, , signedRegion, signedService, signedList, signature] = match as unknown as string[];
  expect({ keyId, signedRegion, signedService }).toEqual({ keyId: credentials.accessKeyId, signedRegion: region, signedService: service });
  const names = (signedList as string).split(';');
  const options: aws4.Request & { extraHeadersToInclude: Record<string, boolean> } = {
    method: received.method,
    path: received.url,
    host: received.headers['host'],
    headers: Object.fromEntries(names.map((name) => [name, received.headers[name] as string])),
    body: received.body,
    service,
    region,
    doNotModifyHeaders: true,
    extraHeadersToInclude: Object.fromEntries(names.map((n) => [n, true])),
  };
  const signer = new aws4.RequestSigner(options, credentials);
  signer.datetime = received.headers['x-amz-date'];
  expect(signer.signature()).toBe(signature);
}
