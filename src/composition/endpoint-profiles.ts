import type { Config } from '../config';
import type { EndpointProfileStore } from '../endpoint-profiles/endpoint-profile-store';
import { endpointStorePath, openSqliteEndpointProfileStore } from '../endpoint-profiles/sqlite-endpoint-profile-store';
import type { Logger } from '../logger';

/**
 * The endpoint profile store of the service: `endpoints.db` in `DATA_DIR`, in either ack mode
 * (upstream mode keeps no spool, but PutEvents still needs the profiles UpdateEndpoint stored),
 * bounded by `ENDPOINT_STORE_MAX_BYTES`. A file that cannot be opened throws a `StorageOpenError`
 * naming it, which stops start-up with one line.
 */
export function openEndpointProfileStore(config: Pick<Config, 'spool' | 'endpointProfiles'>, logger: Logger): EndpointProfileStore {
  const file = endpointStorePath(config.spool.dataDir);
  const store = openSqliteEndpointProfileStore(file, { maxBytes: config.endpointProfiles.maxBytes });
  logger.info('endpoint profiles', { file, maxBytes: config.endpointProfiles.maxBytes });
  return store;
}
