import { createAccessControl, type AccessControl } from '../access/access-control';
import { loadAccessKeys } from '../access/access-keys';
import { createRateLimiter } from '../access/rate-limiter';
import { createSigV4Verifiers } from '../access/sigv4-verifier';
import type { Clock } from '../clock';
import type { AccessConfig } from '../config';
import type { Logger } from '../logger';

/**
 * The access checks of the legacy events route and the Pinpoint-native routes.
 * `AUTH_CREDENTIALS_FILE` is read and validated here, once, before anything else starts: a bad
 * file stops start-up with a ConfigError naming the problem. When any check is on, one line at start says which (app ids and key counts, never a
 * key or secret), so an operator can see what guards the endpoint.
 */
export function composeAccess(config: AccessConfig, clock: Clock, logger: Logger): AccessControl {
  const { appIdAllowlist, rateLimits, auth } = config;
  const keys = auth.mode === 'sigv4' ? loadAccessKeys(auth.credentialsFile) : undefined;
  const rateLimited = rateLimits.client !== undefined || rateLimits.app !== undefined;
  if (appIdAllowlist !== undefined || rateLimited || keys !== undefined) {
    logger.info('access control', {
      appIdAllowlist: appIdAllowlist === undefined ? 'off' : [...appIdAllowlist],
      clientRateLimit: rateLimits.client ?? 'off',
      appRateLimit: rateLimits.app ?? 'off',
      authMode: auth.mode,
      ...(keys === undefined ? {} : { accessKeys: keys.size }),
    });
  }
  return createAccessControl({
    appIdAllowlist,
    rateLimiter: rateLimited ? createRateLimiter(rateLimits, clock.now) : undefined,
    verifiers: keys === undefined ? undefined : createSigV4Verifiers(keys, clock.now),
  });
}
