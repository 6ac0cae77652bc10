import type { IncomingMessage } from 'node:http';
import { BadRequestError, PayloadTooLargeError } from '../errors';

/**
 * Reads the raw request body whatever its Content-Type (legacy clients send none, JSON,
 * x-amz-json-1.0/1.1 or text/plain), refusing more than `limit` bytes as they arrive.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  if (declaresMoreThan(request, limit)) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        request.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new BadRequestError('The request body could not be read.', { cause: err }));
    };
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}

/** Whether the request's `Content-Length` declares more than `limit` bytes (refused unread). */
export function declaresMoreThan(request: IncomingMessage, limit: number): boolean {
  return Number(request.headers['content-length']) > limit;
}

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`The payload cannot exceed ${limit} bytes.`);
}
