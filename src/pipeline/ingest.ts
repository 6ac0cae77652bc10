import { decodeClientContext } from '../legacy/client-context';
import { inflateBody, parseJsonBody } from '../legacy/decode-body';
import type { ClientSdk } from '../legacy/types';
import type { LegacyValidator } from '../legacy/validator';
import type { Logger } from '../logger';
import { mapLegacyRequest, type MappedRequest } from '../mapping/map-legacy-request';
import type { Acceptor } from './acceptor';
import { createByteBudget } from './byte-budget';

/** An inbound legacy request, free of any HTTP framework. */
export interface InboundRequest {
  clientContext: string | undefined;
  clientContextEncoding: string | undefined;
  contentEncoding: string | undefined;
  sdk: ClientSdk;
  /** The body as received (maybe compressed). */
  body: Buffer;
  receivedAt: number;
}

/** What ingest needs, built once. */
export interface IngestDeps {
  validator: LegacyValidator;
  appIdMap: ReadonlyMap<string, string>;
  inflatedBodyLimit: number;
  acceptor: Acceptor;
  logger: Logger;
}

/** Decodes, validates, maps and accepts one request; throws a ProxyError when it cannot. */
export type Ingest = (request: InboundRequest) => Promise<MappedRequest>;

/** Bytes of (inflated) bodies turned into objects at once; see `createByteBudget`. */
const WORK_BUDGET_BYTES = 1024 * 1024;

/** Builds the framework-free pipeline: decode → validate → map → accept. */
export function createIngest(deps: IngestDeps): Ingest {
  const { validator, appIdMap, inflatedBodyLimit, acceptor, logger } = deps;
  const budget = createByteBudget(WORK_BUDGET_BYTES);
  return async (request) => {
    const clientContext = validator.clientContext(decodeClientContext(request.clientContext, request.clientContextEncoding));
    const inflated = await inflateBody(request.body, request.contentEncoding, inflatedBodyLimit);
    return budget.run(inflated.length, () => accept(clientContext, inflated, request));
  };

  async function accept(
    clientContext: ReturnType<LegacyValidator['clientContext']>,
    inflated: Buffer,
    request: InboundRequest,
  ): Promise<MappedRequest> {
    const body = validator.body(parseJsonBody(inflated));
    const mapped = mapLegacyRequest({ clientContext, body, sdk: request.sdk, receivedAt: request.receivedAt }, appIdMap);
    const { droppedEntries, truncatedValues } = mapped.adjustments;
    if (droppedEntries > 0 || truncatedValues > 0) {
      logger.warn('legacy data fitted to Pinpoint limits', { droppedEntries, truncatedValues, events: mapped.envelopes.length });
    }
    await acceptor.accept(mapped);
    return mapped;
  }
}
