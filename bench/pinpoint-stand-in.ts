import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenFromEnv } from './listen-from-env';

/** What the stand-in has seen since the last reset; the bench reads it over `GET /__bench/stats`. */
export interface StandInStats {
  /** PutEvents calls answered 202. */
  calls: number;
  /** Events inside those calls. */
  events: number;
  /** Calls refused with 429 because of the quota. */
  throttled: number;
  /** Calls for `PROBE_APP_ID`, refused on purpose and counted nowhere else. */
  refused: number;
  maxEventsPerCall: number;
}

/** Behaviour switches, set over `POST /__bench/config`. */
export interface StandInConfig {
  /** PutEvents calls allowed per rolling second (Pinpoint's default quota is 15); null = no quota. */
  quotaPerSecond: number | null;
}

/**
 * Calls for this application are always refused with 400 `BadRequestException`: the bench uses
 * it to tell durable mode (the device still gets 202) from upstream mode (it gets the refusal),
 * without the probe's events ever counting in the measurements.
 */
export const PROBE_APP_ID = 'bench-probe-refused';

/** The control path prefix; nothing under it is part of the Pinpoint API. */
export const CONTROL_PREFIX = '/__bench/';

const EVENTS_PATH = /^\/v1\/apps\/([^/]+)\/events$/;

interface BatchItem {
  Events?: Record<string, unknown>;
}

function readAll(request: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    done(Buffer.concat(chunks));
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  sendJson(response, status, { __type: type, message }, { 'x-amzn-ErrorType': type, 'x-amzn-RequestId': 'bench' });
}

/**
 * A minimal Pinpoint `PutEvents` on loopback: accepts every event (202 with per-event verdicts),
 * counts calls and events, and can enforce the 15 calls/s quota with 429
 * `TooManyRequestsException` so the forwarder's coalescing and pacing can be measured.
 */
export function createPinpointStandIn(): Server {
  const config: StandInConfig = { quotaPerSecond: null };
  let stats: StandInStats = { calls: 0, events: 0, throttled: 0, refused: 0, maxEventsPerCall: 0 };
  let recentCalls: number[] = [];

  const control = (request: IncomingMessage, response: ServerResponse, body: Buffer): void => {
    const action = (request.url ?? '').slice(CONTROL_PREFIX.length);
    if (action === 'stats') {
      sendJson(response, 200, stats);
    } else if (action === 'reset') {
      stats = { calls: 0, events: 0, throttled: 0, refused: 0, maxEventsPerCall: 0 };
      recentCalls = [];
      sendJson(response, 200, stats);
    } else if (action === 'config') {
      Object.assign(config, JSON.parse(body.toString('utf8') || '{}') as Partial<StandInConfig>);
      sendJson(response, 200, config);
    } else {
      sendJson(response, 404, { message: 'unknown control action' });
    }
  };

  const putEvents = (response: ServerResponse, applicationId: string, body: Buffer): void => {
    if (applicationId === PROBE_APP_ID) {
      stats.refused += 1;
      sendError(response, 400, 'BadRequestException', 'Refused by the bench stand-in.');
      return;
    }
    if (config.quotaPerSecond !== null) {
      const now = performance.now();
      recentCalls = recentCalls.filter((t) => now - t < 1000);
      if (recentCalls.length >= config.quotaPerSecond) {
        stats.throttled += 1;
        sendError(response, 429, 'TooManyRequestsException', 'Too many requests');
        return;
      }
      recentCalls.push(now);
    }
    let batch: Record<string, BatchItem>;
    try {
      batch = (JSON.parse(body.toString('utf8')) as { BatchItem?: Record<string, BatchItem> }).BatchItem ?? {};
    } catch {
      sendError(response, 400, 'BadRequestException', 'Body is not JSON.');
      return;
    }
    const results: Record<string, unknown> = {};
    let events = 0;
    for (const [endpointId, item] of Object.entries(batch)) {
      const verdicts: Record<string, unknown> = {};
      for (const eventId of Object.keys(item.Events ?? {})) {
        verdicts[eventId] = { StatusCode: 202, Message: 'Accepted' };
        events += 1;
      }
      results[endpointId] = { EndpointItemResponse: { StatusCode: 202, Message: 'Accepted' }, EventsItemResponse: verdicts };
    }
    stats.calls += 1;
    stats.events += events;
    stats.maxEventsPerCall = Math.max(stats.maxEventsPerCall, events);
    sendJson(response, 202, { Results: results }, { 'x-amzn-RequestId': 'bench' });
  };

  return createServer((request, response) => {
    readAll(request, (body) => {
      const url = request.url ?? '';
      const events = request.method === 'POST' ? EVENTS_PATH.exec(url) : null;
      if (url.startsWith(CONTROL_PREFIX)) control(request, response, body);
      else if (events) putEvents(response, decodeURIComponent(events[1] as string), body);
      else if (request.method === 'GET') sendJson(response, 200, { status: 'ok' });
      else sendError(response, 404, 'NotFoundException', 'Not found.');
    });
  });
}

if (require.main === module) listenFromEnv(createPinpointStandIn(), 'pinpoint-stand-in');
