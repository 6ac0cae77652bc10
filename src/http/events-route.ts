import type { IncomingMessage } from 'node:http';
import { decodeClientContext } from '../legacy/client-context';
import { detectClientSdk } from '../legacy/client-sdk';
import type { ParsedJson } from '../legacy/json-shape';
import type { Ingest } from '../pipeline/ingest';
import { header } from './headers';
import { createIngestHandler, type IngestHandler, type IngestRouteDeps } from './ingest-exchange';
import { toLegacyResponse } from './legacy-response';

/** What the events route needs: the shared guards and the legacy pipeline. */
export interface EventsRouteDeps extends IngestRouteDeps {
  ingest: Ingest;
}

/** A handler on Node's own request and response, so it runs with or without Express. */
export type EventsHandler = IngestHandler;

/**
 * `POST /2014-06-05/events`: the legacy PutEvents. Reads the raw body itself (no body-parser:
 * Content-Type is never trusted, and the hot path stays lean), runs the pipeline and writes the
 * answer chosen by `toLegacyResponse` for this client kind (told from the User-Agent). The guards
 * around it (an upload slot, the access checks on the head, with the app id and the signature's
 * claims read from the client context, the signature over the body) and what follows the answer
 * (recording, the log line, the metrics) are `createIngestHandler`'s, shared with the Pinpoint
 * route.
 */
export function createEventsHandler(deps: EventsRouteDeps): EventsHandler {
  const { ingest } = deps;
  return createIngestHandler(deps, (request: IncomingMessage) => {
    const sdk = detectClientSdk(header(request, 'user-agent'), header(request, 'x-amz-user-agent'));
    const clientContext = header(request, 'x-amz-client-context');
    const clientContextEncoding = header(request, 'x-amz-client-context-encoding');
    // Decoded at most once: by the access checks when one is on, and ingest takes that result.
    let decodedClientContext: ParsedJson | undefined;
    const decode = (): ParsedJson => (decodedClientContext ??= decodeClientContext(clientContext, clientContextEncoding));
    return {
      clientKind: sdk.kind,
      operation: () => undefined,
      admit: (access) => access.admit({ method: request.method ?? 'POST', url: request.url ?? '', headers: request.headers }, decode),
      async work(body, receivedAt) {
        const events = await ingest({
          clientContext,
          clientContextEncoding,
          decodedClientContext,
          contentEncoding: header(request, 'content-encoding'),
          sdk,
          body,
          receivedAt,
        });
        return { answer: toLegacyResponse('accepted', sdk.kind), events };
      },
      refuse: (outcome) => toLegacyResponse(outcome, sdk.kind),
      recorded: true,
    };
  });
}
