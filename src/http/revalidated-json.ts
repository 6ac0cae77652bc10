import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

/** A strong ETag of a body: the same bytes give the same tag, on every instance and after restarts. */
function strongEtag(body: string): string {
  return `"${createHash('sha1').update(body, 'utf8').digest('base64url')}"`;
}

/** Whether `If-None-Match` names the tag (or `*`); weak tags compare by their opaque part, as RFC 9110 says for this header. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/**
 * Sends a 200 JSON answer that a dashboard refreshing every few seconds can revalidate cheaply:
 * `Cache-Control: no-cache` (keep it, but ask each time, since new events change it), a strong
 * ETag from the body, and an empty 304 when the client already has those bytes.
 */
export function sendRevalidatedJson(request: Request, response: Response, body: unknown): void {
  const text = JSON.stringify(body);
  const etag = strongEtag(text);
  response.setHeader('Cache-Control', 'no-cache');
  response.setHeader('ETag', etag);
  if (matches(request.headers['if-none-match'], etag)) {
    response.status(304).end();
    return;
  }
  response.status(200).type('application/json').send(text);
}

/** Sends a JSON error `{"message": …}` that no cache keeps. */
export function sendJsonError(response: Response, status: number, message: string): void {
  response.status(status).setHeader('Cache-Control', 'no-store');
  response.json({ message });
}
