import type { IncomingMessage } from 'node:http';

/** A request header's first value (Node joins most repeated headers; a few come as arrays). */
export function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
