import { createHash } from 'node:crypto';

/**
 * A deterministic event id (UUID-formatted SHA-256 prefix) from the app, the endpoint, the
 * event's position in the request and its legacy JSON. A client that resends the same request
 * produces the same ids, so a retried delivery cannot create different events.
 */
export function deterministicEventId(applicationId: string, endpointId: string, index: number, eventJson: string): string {
  const hex = createHash('sha256')
    .update(applicationId)
    .update('\0')
    .update(endpointId)
    .update('\0')
    .update(String(index))
    .update('\0')
    .update(eventJson)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
