import { RetryLaterError } from '../errors';

/**
 * An UpdateEndpoint that would take the endpoint profile store past `ENDPOINT_STORE_MAX_BYTES`.
 * The request is valid, so the caller is told to retry later (as for a full spool): Amplify JS
 * records nothing for an endpoint until its UpdateEndpoint succeeds, and keeps retrying it.
 */
export class EndpointStoreFullError extends RetryLaterError {
  constructor(readonly maxBytes: number) {
    super(`The endpoint profile store is full (at most ${maxBytes} bytes); retry later.`);
  }

  /** The operator's remedy (raise the limit, or move the file aside) is not the spool's. */
  override get reason(): string {
    return 'endpoint_store_full';
  }
}
