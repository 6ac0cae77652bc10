/**
 * How deep any inbound JSON document (the body, the client context) may nest objects and arrays.
 * The legacy model needs four levels (body → events → event → attributes / session); the margin
 * leaves room for unknown properties, which are dropped after validation anyway.
 */
export const MAX_JSON_DEPTH = 8;
