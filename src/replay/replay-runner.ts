import type { ReplayAnswer } from './replay-answer';
import { endpointKeysOf } from './endpoint-order';
import type { SendableRequest } from './http-sender';
import type { ReplayPacer } from './replay-pacer';
import { clientKindOf, type ReplayRequest } from './replay-request';

/** What a replay run needs. */
export interface ReplayRunOptions {
  /** Requests in flight at once, at most. */
  readonly concurrency: number;
  readonly pacer: ReplayPacer;
  /** Sends one request; never rejects (a failure is an `'error'` answer). */
  readonly send: (request: SendableRequest) => Promise<ReplayAnswer>;
  readonly onAnswer: (answer: ReplayAnswer) => void;
  /** A request that cannot be sent: its capture holds no body. */
  readonly onNotSent: (request: ReplayRequest) => void;
}

/**
 * Sends the requests in order, each when the pacer lets it start and a slot is free
 * (`concurrency` in flight at most), and reports every answer. Requests start in input order;
 * answers may come in any order, except for a Pinpoint endpoint's requests (`endpointKeysOf`): a
 * request about an endpoint that a request in flight is about waits for that one's answer (and
 * the requests after it wait with it, so starts stay in input order), so an UpdateEndpoint is
 * answered before the PutEvents after it start. Requests are pulled from the input only as slots
 * free up, so memory holds at most `concurrency` requests however long the recording. Resolves
 * when every answer is in; an input that fails part way rejects once the requests already sent
 * are answered.
 */
export async function runReplay(requests: AsyncIterable<ReplayRequest>, options: ReplayRunOptions): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  /** The last request started for each endpoint key, while it is in flight. */
  const inFlightByEndpoint = new Map<string, Promise<void>>();
  try {
    for await (const request of requests) {
      const { body } = request;
      if (body === null) {
        options.onNotSent(request);
        continue;
      }
      // One at a time, every request waits for the one before: no body needs opening for its endpoints.
      const endpoints = options.concurrency > 1 ? await endpointKeysOf(request) : [];
      await Promise.all(endpoints.flatMap((key) => inFlightByEndpoint.get(key) ?? []));
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      await options.pacer.next(request.time);
      const sending: Promise<void> = options
        .send({ source: request.source, clientKind: clientKindOf(request), method: request.method, url: request.url, headers: request.headers, body })
        .then(options.onAnswer)
        .finally(() => {
          inFlight.delete(sending);
          for (const key of endpoints) if (inFlightByEndpoint.get(key) === sending) inFlightByEndpoint.delete(key);
        });
      inFlight.add(sending);
      for (const key of endpoints) inFlightByEndpoint.set(key, sending);
    }
  } finally {
    // Also when the input fails part way: the answers of what was sent are still counted.
    await Promise.all(inFlight);
  }
}
