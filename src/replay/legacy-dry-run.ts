import { PayloadTooLargeError } from '../errors';
import { detectClientSdk } from '../legacy/client-sdk';
import { createLegacyValidator } from '../legacy/validator';
import { mapLegacyRequest } from '../mapping/map-legacy-request';
import { createIngest } from '../pipeline/ingest';
import type { DryRunOptions, DryRunResult } from './dry-run';
import { acceptedResult, refusedResult, type RequestFacts } from './dry-run-line';
import { createSinkPreview } from './dry-run-sinks';
import { createKeepingAcceptor } from './keeping-acceptor';
import type { ReplayRequest } from './replay-request';

/** The dry run of one legacy PutEvents request with a body. */
export type LegacyDryRun = (request: ReplayRequest, body: Buffer, facts: RequestFacts) => Promise<DryRunResult>;

/**
 * The legacy dry run: the service's own pipeline in-process (`createIngest`: client context, body
 * inflation, validation, with the service's limits; a body over `BODY_LIMIT` refused first, as
 * the route does while reading it), its acceptor keeping the validated request, then the sinks'
 * mapping (`mapLegacyRequest`, with `PINPOINT_APP_ID_MAP`) with the recorded time as the arrival
 * time (event ids do not depend on it; `arrival_timestamp` does). The answer is the one
 * `toLegacyResponse` (handed in) gives the client kind told from the User-Agent.
 */
export function createLegacyDryRun(options: Pick<DryRunOptions, 'format' | 'appIdMap' | 'bodyLimit' | 'inflatedBodyLimit' | 'answer'>): LegacyDryRun {
  const acceptor = createKeepingAcceptor();
  const ingest = createIngest({ validator: createLegacyValidator(), inflatedBodyLimit: options.inflatedBodyLimit, acceptor });
  const sinkPreview = createSinkPreview(options.format);
  return async (request, body, facts) => {
    const { headers } = request;
    const sdk = detectClientSdk(headers['user-agent'], headers['x-amz-user-agent']);
    let outcome: unknown = 'accepted';
    try {
      if (body.length > options.bodyLimit) throw new PayloadTooLargeError(`The payload cannot exceed ${options.bodyLimit} bytes.`);
      await ingest({
        clientContext: headers['x-amz-client-context'],
        clientContextEncoding: headers['x-amz-client-context-encoding'],
        contentEncoding: headers['content-encoding'],
        sdk,
        body,
        receivedAt: request.time,
      });
    } catch (err: unknown) {
      outcome = err;
    }
    const answer = options.answer(outcome, sdk.kind);
    const validated = acceptor.takeLegacy();
    if (validated === undefined) return refusedResult(facts, outcome, answer);
    return acceptedResult(facts, answer.status, {}, sinkPreview(mapLegacyRequest(validated, options.appIdMap).envelopes));
  };
}
