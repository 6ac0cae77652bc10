/** Shapes of the legacy Mobile Analytics request, as validated by `schemas/legacy/`. */

/** `session` of a legacy event. Every member is optional on the wire. */
export interface LegacySession {
  id?: string;
  /** Milliseconds. `null` from the JS library's `_session.stop` (it computes NaN). */
  duration?: number | null;
  startTimestamp?: string;
  stopTimestamp?: string;
}

/** One legacy event (`version` is absent from Android). */
export interface LegacyEvent {
  eventType: string;
  timestamp: string;
  version?: string;
  session?: LegacySession;
  attributes?: Record<string, string>;
  metrics?: Record<string, number>;
}

/** The PutEvents body. */
export interface LegacyEventsBody {
  events: LegacyEvent[];
}

/** The decoded `x-amz-Client-Context` header. */
export interface LegacyClientContext {
  version?: string;
  client: {
    client_id?: string;
    installation_id?: string;
    app_title?: string;
    app_version_name?: string;
    app_version_code?: string;
    app_package_name?: string;
  };
  env?: {
    platform?: string;
    platform_version?: string;
    model?: string;
    model_version?: string;
    make?: string;
    locale?: string;
    carrier?: string;
    networkType?: string;
  };
  custom?: Record<string, unknown>;
  services: {
    mobile_analytics: { app_id: string; sdk_name?: string; sdk_version?: string };
  };
}

/** Which client generation sent a request; it decides how "retry later" is answered. */
export type ClientKind = 'android' | 'ios' | 'js' | 'unknown';

/** The SDK that sent the request, from the User-Agent headers. */
export interface ClientSdk {
  kind: ClientKind;
  name?: string;
  version?: string;
}
