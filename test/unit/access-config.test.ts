import { ConfigError, loadConfig, type AccessConfig } from '../../src/config';

const access = (env: Record<string, string>): AccessConfig => loadConfig(env).access;

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err: unknown) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('loadConfig: access settings', () => {
  it('defaults to everything off: no allowlist, no rate limits, AUTH_MODE=none', () => {
    expect(access({})).toEqual({ appIdAllowlist: undefined, rateLimits: { client: undefined, app: undefined }, auth: { mode: 'none' } });
  });

  it('counts empty values as unset', () => {
    const empty = { APP_ID_ALLOWLIST: '', RATE_LIMIT_CLIENT_PER_SECOND: '', RATE_LIMIT_CLIENT_BURST: '', RATE_LIMIT_APP_PER_SECOND: '', RATE_LIMIT_APP_BURST: '', AUTH_MODE: '', AUTH_CREDENTIALS_FILE: '' };
    expect(access(empty)).toEqual(access({}));
  });

  it('reads APP_ID_ALLOWLIST as a set of app ids, spaces around commas ignored', () => {
    expect(access({ APP_ID_ALLOWLIST: 'app-1, app-2,app-3,' }).appIdAllowlist).toEqual(new Set(['app-1', 'app-2', 'app-3']));
  });

  it('refuses an APP_ID_ALLOWLIST naming no app id', () => {
    expect(configError({ APP_ID_ALLOWLIST: ' , ' })).toMatch(/APP_ID_ALLOWLIST: must match pattern/);
  });

  it('reads the rate limits; a burst defaults to one second of the rate, at least 1', () => {
    expect(access({ RATE_LIMIT_CLIENT_PER_SECOND: '0.5', RATE_LIMIT_APP_PER_SECOND: '200', RATE_LIMIT_APP_BURST: '1000' }).rateLimits).toEqual({
      client: { perSecond: 0.5, burst: 1 },
      app: { perSecond: 200, burst: 1000 },
    });
    expect(access({ RATE_LIMIT_CLIENT_PER_SECOND: '2.5' }).rateLimits.client).toEqual({ perSecond: 2.5, burst: 3 });
    expect(access({ RATE_LIMIT_CLIENT_PER_SECOND: '0', RATE_LIMIT_APP_PER_SECOND: '0' }).rateLimits).toEqual({ client: undefined, app: undefined });
  });

  it.each([
    [{ RATE_LIMIT_CLIENT_PER_SECOND: '-1' }, /RATE_LIMIT_CLIENT_PER_SECOND: must be >= 0/],
    [{ RATE_LIMIT_APP_PER_SECOND: 'fast' }, /RATE_LIMIT_APP_PER_SECOND: must be number/],
    [{ RATE_LIMIT_CLIENT_PER_SECOND: '1', RATE_LIMIT_CLIENT_BURST: '0' }, /RATE_LIMIT_CLIENT_BURST: must be >= 1/],
    [{ RATE_LIMIT_APP_PER_SECOND: '1', RATE_LIMIT_APP_BURST: '2.5' }, /RATE_LIMIT_APP_BURST: must be integer/],
    [{ RATE_LIMIT_CLIENT_BURST: '10' }, /RATE_LIMIT_CLIENT_BURST is set but RATE_LIMIT_CLIENT_PER_SECOND is 0 or unset/],
    [{ RATE_LIMIT_APP_PER_SECOND: '0', RATE_LIMIT_APP_BURST: '10' }, /RATE_LIMIT_APP_BURST is set but RATE_LIMIT_APP_PER_SECOND is 0 or unset/],
  ])('refuses %j', (env, message) => {
    expect(configError(env)).toMatch(message);
  });

  it('reads AUTH_MODE=sigv4 with its credentials file', () => {
    expect(access({ AUTH_MODE: 'sigv4', AUTH_CREDENTIALS_FILE: '/etc/keys.json' }).auth).toEqual({ mode: 'sigv4', credentialsFile: '/etc/keys.json' });
  });

  it.each([
    [{ AUTH_MODE: 'sigv4' }, /AUTH_CREDENTIALS_FILE: must have required property 'AUTH_CREDENTIALS_FILE'/],
    [{ AUTH_MODE: 'cognito' }, /AUTH_MODE: must be equal to one of the allowed values/],
    [{ AUTH_CREDENTIALS_FILE: '/etc/keys.json' }, /AUTH_CREDENTIALS_FILE is set but AUTH_MODE is none/],
  ])('refuses %j', (env, message) => {
    expect(configError(env)).toMatch(message);
  });

  it('freezes the access section', () => {
    const config = loadConfig({ RATE_LIMIT_CLIENT_PER_SECOND: '1' });
    expect(Object.isFrozen(config.access)).toBe(true);
    expect(Object.isFrozen(config.access.rateLimits.client)).toBe(true);
  });
});
