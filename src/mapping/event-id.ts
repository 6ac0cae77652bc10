import { hash } from 'node:crypto';

/** The first 128 bits of a SHA-256 of `text`, written as a UUID (what consumers expect of an id). */
function uuidOfHash(text: string): string {
  const hex = hash('sha256', text, 'hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A deterministic event id (UUID-formatted SHA-256 prefix) from the app, the endpoint, the
 * event's position in the request and its legacy JSON. A client that resends the same request
 * produces the same ids, so a retried delivery cannot create different events. The fields are
 * joined with NUL, which validation refuses in app and client ids, so the joined text is unambiguous
 * (index and event JSON follow them).
 */
export function deterministicEventId(applicationId: string, endpointId: string, index: number, eventJson: string): string {
  return uuidOfHash(`${applicationId}\0${endpointId}\0${index}\0${eventJson}`);
}

/**
 * The deterministic event id of an event sent to Pinpoint's own PutEvents API. The caller's key
 * (`BatchItem[endpointId].Events[key]`) is only unique within its endpoint's batch, so it is hashed
 * with the application and endpoint ids: the same request always yields the same ids, and the
 * same key under another endpoint or application another one. Each field is written as a JSON
 * string (which escapes NUL) between NUL separators, so the joined text is unambiguous whatever
 * the ids contain, and it always holds exactly two NULs where `deterministicEventId`'s holds three:
 * a Pinpoint event never shares an id with a legacy one.
 */
export function pinpointEventId(applicationId: string, endpointId: string, callerEventId: string): string {
  return uuidOfHash(`${JSON.stringify(applicationId)}\0${JSON.stringify(endpointId)}\0${JSON.stringify(callerEventId)}`);
}
