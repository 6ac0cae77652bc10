import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzip } from 'node:zlib';
import { listenFromEnv } from './listen-from-env';

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function answer(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'Content-Length': '0' });
  response.end();
}

function parse(request: IncomingMessage, raw: Buffer, response: ServerResponse): void {
  try {
    const context = header(request, 'x-amz-client-context') ?? '';
    const encoded = (header(request, 'x-amz-client-context-encoding') ?? '').toLowerCase() === 'base64';
    JSON.parse(encoded ? Buffer.from(context, 'base64').toString('utf8') : context);
    JSON.parse(raw.toString('utf8'));
    answer(response, 202);
  } catch {
    answer(response, 400);
  }
}

/**
 * The ceiling: plain `node:http` doing the least a correct legacy endpoint must do (read the
 * body, gunzip it, parse it and the client context as JSON) and answering 202 with an empty body.
 */
export function createBareServer(): Server {
  return createServer((request, response) => {
    if (request.method !== 'POST') {
      answer(response, 200);
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      if ((header(request, 'content-encoding') ?? '').toLowerCase() !== 'gzip') {
        parse(request, raw, response);
        return;
      }
      gunzip(raw, (err, inflated) => {
        if (err) answer(response, 400);
        else parse(request, inflated, response);
      });
    });
  });
}

if (require.main === module) listenFromEnv(createBareServer(), 'reference-bare');
