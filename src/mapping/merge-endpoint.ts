import type { EndpointRequest, PublicEndpoint } from '@aws-sdk/client-pinpoint';

/**
 * An endpoint profile stored by `UpdateEndpoint` (an `EndpointRequest`): what the proxy knows of an
 * endpoint beyond what one PutEvents request says about it.
 */
export type StoredEndpointProfile = EndpointRequest;

/** `{...stored, ...sent}` for a map of values, or undefined when both are absent or empty. */
function mergeMap<V>(stored: Record<string, V> | undefined, sent: Record<string, V> | undefined): Record<string, V> | undefined {
  const merged = { ...stored, ...sent };
  return Object.keys(merged).length > 0 ? merged : undefined;
}

/** Member by member, the sent value when it is there, else the stored one; undefined when empty. */
function mergeMembers<T extends object>(stored: T | undefined, sent: T | undefined): T | undefined {
  const merged: Record<string, unknown> = {};
  for (const source of [stored, sent]) {
    for (const [key, value] of Object.entries(source ?? {})) if (value !== undefined && value !== null) merged[key] = value;
  }
  return Object.keys(merged).length > 0 ? (merged as T) : undefined;
}

/**
 * The endpoint an event of a PutEvents request describes: the request's own `Endpoint` laid over
 * the stored profile, field by field, so a client that sends only what changed (Amplify sends the
 * full profile once with UpdateEndpoint, then a bare or partial `Endpoint`) keeps the rest:
 * - `Address`, `ChannelType`, `EffectiveDate`, `EndpointStatus`, `OptOut`, `RequestId`: the sent
 *   value when present, else the stored one;
 * - `Demographic` and `Location`: member by member the same way (a sent `Timezone` replaces the
 *   stored one; a stored `City` stays when the request's Location has none);
 * - `Attributes`, `Metrics` and `User.UserAttributes`: key by key, a sent key replacing the stored
 *   key's whole value (list or number), other stored keys kept;
 * - `User.UserId`: the sent one when present, else the stored one.
 * Empty objects are left out. Pure; neither input is modified.
 */
export function mergeEndpoint(stored: StoredEndpointProfile | undefined, sent: PublicEndpoint): PublicEndpoint {
  const scalars = mergeMembers(
    {
      Address: stored?.Address,
      ChannelType: stored?.ChannelType,
      EffectiveDate: stored?.EffectiveDate,
      EndpointStatus: stored?.EndpointStatus,
      OptOut: stored?.OptOut,
      RequestId: stored?.RequestId,
    },
    {
      Address: sent.Address,
      ChannelType: sent.ChannelType,
      EffectiveDate: sent.EffectiveDate,
      EndpointStatus: sent.EndpointStatus,
      OptOut: sent.OptOut,
      RequestId: sent.RequestId,
    },
  );
  const endpoint: PublicEndpoint = { ...scalars };
  const demographic = mergeMembers(stored?.Demographic, sent.Demographic);
  if (demographic) endpoint.Demographic = demographic;
  const location = mergeMembers(stored?.Location, sent.Location);
  if (location) endpoint.Location = location;
  const attributes = mergeMap(stored?.Attributes, sent.Attributes);
  if (attributes) endpoint.Attributes = attributes;
  const metrics = mergeMap(stored?.Metrics, sent.Metrics);
  if (metrics) endpoint.Metrics = metrics;
  const userId = sent.User?.UserId ?? stored?.User?.UserId;
  const userAttributes = mergeMap(stored?.User?.UserAttributes, sent.User?.UserAttributes);
  if (userId !== undefined || userAttributes) {
    endpoint.User = {};
    if (userId !== undefined) endpoint.User.UserId = userId;
    if (userAttributes) endpoint.User.UserAttributes = userAttributes;
  }
  return endpoint;
}
