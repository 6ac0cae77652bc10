import { hash } from 'node:crypto';

/**
 * A deterministic event id (UUID-formatted SHA-256 prefix) from the app, the endpoint, the
 * event's position in the request and its legacy JSON. A client that resends the same request
 * produces the same ids, so a retried delivery cannot create different events. The fields are
 * joined with NUL, which validation refuses in app and client ids, so the joined text is unambiguous
 * (index and event JSON follow them).
 */
export function deterministicEventId(applicationId: string, endpointId: string, index: number, eventJson: string): string {
  const hex = hash('sha256', `${applicationId}\0${endpointId}\0${index}\0${eventJson}`, 'hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
