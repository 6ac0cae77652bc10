import { decodeClientContext } from '../legacy/client-context';

/** Who a request says it comes from, read from its client context before the body is read. */
export interface DeviceIdentity {
  /** `services.mobile_analytics.app_id`, when the client context names one. */
  appId: string | undefined;
  /** `client.client_id` (iOS: `installation_id` when there is none), as the mapping picks the endpoint id. */
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
  const context = decodeClientContext(clientContext, encoding).value;
  const client = member(context, 'client');
  return {
    appId: text(member(member(member(context, 'services'), 'mobile_analytics'), 'app_id')),
    clientId: text(member(client, 'client_id')) ?? text(member(client, 'installation_id')),
  };
}
