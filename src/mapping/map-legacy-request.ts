import type { EndpointDemographic, Event, PublicEndpoint } from '@aws-sdk/client-pinpoint';
import type { ClientSdk, LegacyClientContext, LegacyEvent, LegacyEventsBody } from '../legacy/types';
import type { EventEnvelope } from './event-envelope';
import { deterministicEventId } from './event-id';
import { toPinpointSession } from './session';
import { toIsoTimestamp } from './timestamp';

/** A validated legacy request and the facts about its arrival the mapping needs. */
export interface LegacyRequest {
  clientContext: LegacyClientContext;
  body: LegacyEventsBody;
  sdk: ClientSdk;
  /** Unix ms; passed in so that the mapping stays pure. */
  receivedAt: number;
}

/**
 * A legacy request that passed validation, with the compact JSON texts of its client context and
 * body (as received, or re-serialized when they were padded or had unknown properties dropped):
 * durable mode stores these texts and maps them at delivery.
 */
export interface ValidatedRequest extends LegacyRequest {
  clientContextJson: string;
  bodyJson: string;
}

/**
 * The mapped events, as sent: every attribute and metric, values and Demographic uncut. Pinpoint's
 * per-event limits are not applied here (the local store, Kinesis and Firehose have none); the
 * Pinpoint sink fits each event before sending it (`pinpoint-limits.ts`).
 */
export interface MappedRequest {
  applicationId: string;
  endpointId: string;
  envelopes: EventEnvelope[];
}

/**
 * iOS swaps the version fields: `app_version_name` holds CFBundleVersion (the build) and
 * `app_version_code` CFBundleShortVersionString (the version users see), the other way round
 * from Android. iOS is told by its User-Agent or its `installation_id`.
 */
function appVersions(context: LegacyClientContext, sdk: ClientSdk): { name?: string; code?: string } {
  const { app_version_name: name, app_version_code: code, installation_id } = context.client;
  const ios = sdk.kind === 'ios' || (sdk.kind === 'unknown' && installation_id !== undefined);
  return ios ? { name: code, code: name } : { name, code };
}

/** Pinpoint wants BCP 47 with an underscore (`en_US`); the JS clients send `en-US`. */
function toPinpointLocale(locale: string | undefined): string | undefined {
  return locale?.replace(/-/g, '_');
}

type DemographicField = 'Make' | 'Model' | 'ModelVersion' | 'Platform' | 'PlatformVersion' | 'Locale' | 'AppVersion';

function toEndpoint(context: LegacyClientContext, sdk: ClientSdk): PublicEndpoint {
  const env = context.env ?? {};
  const values: Record<DemographicField, string | undefined> = {
    Make: env.make,
    Model: env.model,
    ModelVersion: env.model_version,
    Platform: env.platform,
    PlatformVersion: env.platform_version,
    Locale: toPinpointLocale(env.locale),
    AppVersion: appVersions(context, sdk).name,
  };
  const demographic: EndpointDemographic = {};
  for (const [key, value] of Object.entries(values) as Array<[DemographicField, string | undefined]>) {
    if (value) demographic[key] = value;
  }
  return { Demographic: demographic };
}

function toEvent(
  legacy: LegacyEvent,
  common: Pick<Event, 'AppPackageName' | 'AppTitle' | 'AppVersionCode' | 'SdkName' | 'ClientSdkVersion'>,
): Event {
  const event: Event = { EventType: legacy.eventType, Timestamp: toIsoTimestamp(legacy.timestamp), ...common };
  if (legacy.attributes && Object.keys(legacy.attributes).length > 0) event.Attributes = legacy.attributes;
  if (legacy.metrics && Object.keys(legacy.metrics).length > 0) event.Metrics = legacy.metrics;
  const session = toPinpointSession(legacy.session);
  if (session) event.Session = session;
  return event;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Maps a validated legacy request to Pinpoint events as sent (pure: no clock, no randomness, no
 * IO; nothing fitted to Pinpoint's limits, see `MappedRequest`). Endpoint id = `client.client_id`
 * (iOS `installation_id` when there is none); application id = `services.mobile_analytics.app_id`,
 * or its entry in `appIdMap`. Event ids hash the legacy event's own JSON, not the mapped event.
 */
export function mapLegacyRequest(request: LegacyRequest, appIdMap: ReadonlyMap<string, string>): MappedRequest {
  const { clientContext: context, body, sdk, receivedAt } = request;
  const legacyAppId = context.services.mobile_analytics.app_id;
  const applicationId = appIdMap.get(legacyAppId) ?? legacyAppId;
  const endpointId = (context.client.client_id ?? context.client.installation_id) as string;
  const endpoint = toEndpoint(context, sdk);
  const common = withoutUndefined({
    AppPackageName: context.client.app_package_name,
    AppTitle: context.client.app_title,
    AppVersionCode: appVersions(context, sdk).code,
    SdkName: context.services.mobile_analytics.sdk_name ?? sdk.name,
    ClientSdkVersion: context.services.mobile_analytics.sdk_version ?? sdk.version,
  });
  const envelopes = body.events.map(
    (legacy, index): EventEnvelope => ({
      eventId: deterministicEventId(applicationId, endpointId, index, JSON.stringify(legacy)),
      applicationId,
      endpointId,
      endpoint,
      event: toEvent(legacy, common),
      receivedAt,
    }),
  );
  return { applicationId, endpointId, envelopes };
}
