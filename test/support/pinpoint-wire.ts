import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { EventsResponse } from '@aws-sdk/client-pinpoint';
import type { PinpointWireRequest } from '../fixtures/pinpoint-clients/wire-request';
import type { CallAnswer } from './pinpoint-client-models';

/** The service's answer to a request sent as a device sent it. */
export interface WireAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sends a captured request over a real socket exactly as the SDK sent it (its headers, its bytes). */
export function sendWireRequest(proxyUrl: string, request: PinpointWireRequest): Promise<WireAnswer> {
  const url = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: request.method, path: request.path, headers: request.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${request.name} timed out`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

/**
 * The answer as the mobile SDKs read it: the status, the error type from `x-amzn-ErrorType` (the
 * part before any `:`), and a 2xx body parsed as the `EventsResponse`.
 */
export function callAnswerOf(answer: WireAnswer): CallAnswer {
  const errorType = answer.headers['x-amzn-errortype'];
  const result: CallAnswer = { status: answer.status };
  if (typeof errorType === 'string') result.errorType = errorType.split(':')[0];
  if (answer.status >= 200 && answer.status <= 299) result.response = JSON.parse(answer.body) as EventsResponse;
  return result;
}
