import { decodeClientContext } from '../legacy/client-context';
import { parseJsonBody } from '../legacy/decode-body';
import type { ClientSdk } from '../legacy/types';
import type { ParsedJson } from '../legacy/json-shape';
import type { LegacyValidator, Validated } from '../legacy/validator';
import type { Acceptor } from './acceptor';
import { createByteBudget, type ByteBudget } from './byte-budget';
import { withInflatedBody } from './inflated-body';

/** An inbound legacy request, free of any HTTP framework. */
export interface InboundRequest {
  clientContext: string | undefined;
  clientContextEncoding: string | undefined;
  /** The client context already decoded from those headers (by the access checks), so it is not decoded twice. */
  decodedClientContext?: ParsedJson | undefined;
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
  /** Bytes of bodies in work at once; see `createByteBudget`. Defaults to `WORK_BUDGET_BYTES`. */
  budget?: ByteBudget;
}

/** Decodes, validates and accepts one request; resolves with its event count, throws a ProxyError when it cannot. */
export type Ingest = (request: InboundRequest) => Promise<number>;

/**
 * The JSON text to store for a validated document: the text as received when it is already
 * compact and nothing was dropped from it (most requests: no serialization), else the validated
 * value re-serialized, so stored bytes are bounded by the known fields, not by padding.
 */
function compactJson(parsed: ParsedJson, validated: Validated<unknown>): string {
  return parsed.padding === 0 && validated.droppedProperties === 0 ? parsed.text : JSON.stringify(validated.value);
}

/** Bytes of (inflated) bodies in work at once by default; see `createByteBudget`. */
export const WORK_BUDGET_BYTES = 1024 * 1024;

/**
 * Builds the framework-free pipeline: decode → validate → accept (store, or map and forward).
 * A body is inflated, parsed and validated inside the byte budget, holding as many bytes as it
 * may inflate to, until it is accepted. What is accepted is the validated request with compact
 * JSON texts (`compactJson`): unknown properties dropped, no padding, so stored bytes are bounded
 * by the events.
 */
export function createIngest(deps: IngestDeps): Ingest {
  const { validator, inflatedBodyLimit, acceptor } = deps;
  const budget = deps.budget ?? createByteBudget(WORK_BUDGET_BYTES);
  return async (request) => {
    acceptor.admit();
    const contextJson = request.decodedClientContext ?? decodeClientContext(request.clientContext, request.clientContextEncoding);
    const clientContext = validator.clientContext(contextJson.value);
    const { sdk, receivedAt } = request;
    return withInflatedBody(budget, request.body, request.contentEncoding, inflatedBodyLimit, async (inflated) => {
      const bodyJson = parseJsonBody(inflated.toString('utf8'));
      const body = validator.body(bodyJson.value);
      await acceptor.accept({
        clientContext: clientContext.value,
        clientContextJson: compactJson(contextJson, clientContext),
        body: body.value,
        bodyJson: compactJson(bodyJson, body),
        sdk,
        receivedAt,
      });
      return body.value.events.length;
    });
  };
}
