import { checkAppAllowed } from './app-allowlist';
import type { ParsedJson } from '../legacy/json-shape';
import { deviceIdentityOf, readDeviceIdentity } from './device-identity';
import type { RateLimiter } from './rate-limiter';
import { headerValue, type RequestHead } from './request-head';
import type { BodyCheck, SigV4Verifiers } from './sigv4-verifier';

/** What a Pinpoint-native request's path names. */
export interface PinpointTarget {
  /** The path's `{ApplicationId}`. */
  applicationId: string;
  /** The path's `{EndpointId}` (UpdateEndpoint, GetEndpoint); PutEvents names none. */
  endpointId?: string;
}

/** Who may write, checked around the reading of a request's body. */
export interface AccessControl {
  /**
   * The legacy route: checks a request's head before its body is read (throws a ProxyError to
   * refuse it: the body is then never read) and returns the check of its body, to run once it is
   * read, before ingest. The app id and client id are the client context's: decoded from the
   * head, or by `clientContext` when the route decodes it once for both the checks and ingest.
   */
  admit(head: RequestHead, clientContext?: () => ParsedJson): BodyCheck;
  /**
   * The Pinpoint-native routes, as `admit`: the app id is the path's {ApplicationId}; the
   * endpoint id, when the path names one (UpdateEndpoint/GetEndpoint), is the rate limits' client
   * id.
   */
  admitPinpoint(head: RequestHead, target: PinpointTarget): BodyCheck;
}

/** The checks in force; each undefined when its setting is off. */
export interface AccessControlDeps {
  /** `APP_ID_ALLOWLIST`. */
  appIdAllowlist: ReadonlySet<string> | undefined;
  /** `RATE_LIMIT_*`. */
  rateLimiter: RateLimiter | undefined;
  /** `AUTH_MODE=sigv4`. */
  verifiers: SigV4Verifiers | undefined;
}

const NOTHING_TO_CHECK: BodyCheck = () => undefined;

/**
 * The access checks in the order that spends least on a refused request: the app id allowlist,
 * then what the signature's head says (key, date, the key's app ids), then the rate limits (so
 * requests refused already spend no tokens), all before the body is read; then the signature over
 * the body. The legacy route's client context is decoded only when some check is on: by default
 * this costs nothing, on either route.
 *
 * Both routes share the rate limits' buckets: a legacy client id is the device's Pinpoint
 * endpoint id, so a device limited on one route is limited on the other.
 */
export function createAccessControl(deps: AccessControlDeps): AccessControl {
  const { appIdAllowlist, rateLimiter, verifiers } = deps;
  if (appIdAllowlist === undefined && rateLimiter === undefined && verifiers === undefined) {
    return { admit: () => NOTHING_TO_CHECK, admitPinpoint: () => NOTHING_TO_CHECK };
  }
  return {
    admit(head, clientContext) {
      const identity = clientContext
        ? deviceIdentityOf(clientContext().value)
        : readDeviceIdentity(headerValue(head, 'x-amz-client-context'), headerValue(head, 'x-amz-client-context-encoding'));
      if (appIdAllowlist) checkAppAllowed(appIdAllowlist, identity.appId);
      const checkBody = verifiers ? verifiers.legacy(head, identity.appId) : NOTHING_TO_CHECK;
      rateLimiter?.(identity);
      return checkBody;
    },
    admitPinpoint(head, { applicationId, endpointId }) {
      if (appIdAllowlist) checkAppAllowed(appIdAllowlist, applicationId);
      const checkBody = verifiers ? verifiers.pinpoint(head, applicationId) : NOTHING_TO_CHECK;
      rateLimiter?.({ appId: applicationId, clientId: endpointId });
      return checkBody;
    },
  };
}
