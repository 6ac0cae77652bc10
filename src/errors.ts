/**
 * Errors our code throws. Each carries what the wire answer needs: a legacy error code and an
 * HTTP status. `http/legacy-response.ts` is the one place that turns them into an answer.
 */

/** Base class: an error with a status and a legacy (`x-amzn-ErrorType`) code. */
export class ProxyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /**
   * Why the request was refused, for metrics: the wire code, unless a subclass knows a finer
   * cause that shares it (a full spool and too many uploads are both `ServiceUnavailableException`).
   * Always one of a fixed set chosen in code, never a value from the request.
   */
  get reason(): string {
    return this.code;
  }
}

/** The request is malformed: the client should drop it, resending cannot help. */
export class BadRequestError extends ProxyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(400, 'BadRequestException', message, options);
  }
}

/** The request body is above the configured limit (the legacy service's 1024 KB). */
export class PayloadTooLargeError extends ProxyError {
  constructor(message: string) {
    super(413, 'RequestEntityTooLarge', message);
  }
}

/**
 * A compressed body inflates beyond `limit` bytes. Ingest first inflates within an estimate of
 * the inflated size and tries once more within `INFLATED_BODY_LIMIT` when the estimate was short.
 */
export class InflatedTooLargeError extends PayloadTooLargeError {
  constructor(readonly limit: number) {
    super(`The inflated payload cannot exceed ${limit} bytes.`);
  }
}

/**
 * The request may not be taken (the destination refused our credentials or the application; the
 * device's signature or app id was refused): 403 to the client. `code` names the reason on the
 * wire, `AccessDeniedException` unless given (SDKs act on some codes, e.g. clock skew).
 */
export class ForbiddenError extends ProxyError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(403, options?.code ?? 'AccessDeniedException', message, options);
  }
}

/**
 * We cannot take the request now but it is valid (throttled or failing destination, full
 * spool, our own bug). The client must keep its events; the status depends on the client kind.
 */
export class RetryLaterError extends ProxyError {
  /** `code`: the reason on the wire where the client kind gets a typed 503 (`ServiceUnavailableException` unless given). */
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(503, options?.code ?? 'ServiceUnavailableException', message, options);
  }
}

/** The thing asked for does not exist (an endpoint profile never stored): 404 to the client. */
export class NotFoundError extends ProxyError {
  constructor(message: string) {
    super(404, 'NotFoundException', message);
  }
}
