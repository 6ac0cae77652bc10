import { decodeClientContext } from '../legacy/client-context';

/**
 * Who a request says it comes from, read before the body is read: on the legacy route from its
 * client context, on the Pinpoint-native routes from its path.
 */
export interface DeviceIdentity {
  /** Legacy: `services.mobile_analytics.app_id`, when the client context names one. Pinpoint: the path's {ApplicationId}. */
  appId: string | undefined;
  /**
   * Legacy: `client.client_id` (iOS: `installation_id` when there is none), as the mapping picks
   * the endpoint id. Pinpoint: the path's {EndpointId}, when it names one.
   */
  clientId: string | undefined;
}

function member(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads the app id and client id from the `x-amz-Client-Context` header, decoded as ingest
 * decodes it (a malformed or missing header throws the same BadRequestError ingest would). Only
 * the two ids are read, without the schema: ingest validates the whole context later.
 */
export function readDeviceIdentity(clientContext: string | undefined, encoding: string | undefined): DeviceIdentity {
  return deviceIdentityOf(decodeClientContext(clientContext, encoding).value);
}

/** The app id and client id of an already decoded client context. */
export function deviceIdentityOf(context: unknown): DeviceIdentity {
  const client = member(context, 'client');
  return {
    appId: text(member(member(member(context, 'services'), 'mobile_analytics'), 'app_id')),
    clientId: text(member(client, 'client_id')) ?? text(member(client, 'installation_id')),
  };
}
