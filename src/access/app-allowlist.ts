import { BadRequestError, ForbiddenError } from '../errors';

/** The longest app id quoted back in a refusal: the id comes from the device, its length is not ours to trust. */
const QUOTED_APP_ID_MAX = 100;

/**
 * `APP_ID_ALLOWLIST`: throws when the request's app id is not listed. A request without an app id
 * is malformed (400, as ingest would answer it), not forbidden: clients drop malformed requests,
 * while some keep forbidden ones to send again.
 */
export function checkAppAllowed(allowed: ReadonlySet<string>, appId: string | undefined): void {
  if (appId === undefined) throw new BadRequestError('The client context is invalid: it names no services.mobile_analytics.app_id.');
  if (!allowed.has(appId)) {
    throw new ForbiddenError(`The application id '${appId.slice(0, QUOTED_APP_ID_MAX)}' is not accepted by this endpoint.`, { code: 'AccessDeniedException' });
  }
}
