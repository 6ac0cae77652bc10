import { checkAppAllowed } from './app-allowlist';
import { readDeviceIdentity } from './device-identity';
import type { RateLimiter } from './rate-limiter';
import { headerValue, type RequestHead } from './request-head';
import type { BodyCheck, SigV4Verifier } from './sigv4-verifier';

/** Who may write, checked around the reading of a request's body. */
export interface AccessControl {
  /**
   * Checks a request's head before its body is read (throws a ProxyError to refuse it: the body
   * is then never read) and returns the check of its body, to run once it is read, before ingest.
   */
  admit(head: RequestHead): BodyCheck;
}

/** The checks in force; each undefined when its setting is off. */
export interface AccessControlDeps {
  /** `APP_ID_ALLOWLIST`. */
  appIdAllowlist: ReadonlySet<string> | undefined;
  /** `RATE_LIMIT_*`. */
  rateLimiter: RateLimiter | undefined;
  /** `AUTH_MODE=sigv4`. */
  verifier: SigV4Verifier | undefined;
}

const NOTHING_TO_CHECK: BodyCheck = () => undefined;

/**
 * The access checks in the order that spends least on a refused request: the app id allowlist,
 * then what the signature's head says (key, date, the key's app ids), then the rate limits (so
 * requests refused already spend no tokens), all before the body is read; then the signature over
 * the body. The client context is decoded only when some check is on: by default this costs
 * nothing.
 */
export function createAccessControl(deps: AccessControlDeps): AccessControl {
  const { appIdAllowlist, rateLimiter, verifier } = deps;
  if (appIdAllowlist === undefined && rateLimiter === undefined && verifier === undefined) return { admit: () => NOTHING_TO_CHECK };
  return {
    admit(head) {
      const identity = readDeviceIdentity(headerValue(head, 'x-amz-client-context'), headerValue(head, 'x-amz-client-context-encoding'));
      if (appIdAllowlist) checkAppAllowed(appIdAllowlist, identity.appId);
      const checkBody = verifier ? verifier(head, identity.appId) : NOTHING_TO_CHECK;
      rateLimiter?.(identity);
      return checkBody;
    },
  };
}
