import { decodeClientContext } from '../legacy/client-context';
import { inflateBody, parseJsonBody } from '../legacy/decode-body';
import type { ClientSdk } from '../legacy/types';
import type { LegacyValidator } from '../legacy/validator';
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
  inflatedBodyLimit: number;
  acceptor: Acceptor;
}

/** Decodes, validates and accepts one request; resolves with its event count, throws a ProxyError when it cannot. */
export type Ingest = (request: InboundRequest) => Promise<number>;

/** Bytes of (inflated) bodies turned into objects at once; see `createByteBudget`. */
const WORK_BUDGET_BYTES = 1024 * 1024;

/** Builds the framework-free pipeline: decode → validate → accept (store, or map and forward). */
export function createIngest(deps: IngestDeps): Ingest {
  const { validator, inflatedBodyLimit, acceptor } = deps;
  const budget = createByteBudget(WORK_BUDGET_BYTES);
  return async (request) => {
    acceptor.admit();
    const context = decodeClientContext(request.clientContext, request.clientContextEncoding);
    const clientContext = validator.clientContext(context.value);
    const inflated = await inflateBody(request.body, request.contentEncoding, inflatedBodyLimit);
    return budget.run(inflated.length, async () => {
      const bodyJson = inflated.toString('utf8');
      const body = validator.body(parseJsonBody(bodyJson));
      const { sdk, receivedAt } = request;
      await acceptor.accept({ clientContext, clientContextJson: context.json, body, bodyJson, sdk, receivedAt });
      return body.events.length;
    });
  };
}
