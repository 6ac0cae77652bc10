import type { EndpointDemographic, Event, PublicEndpoint } from '@aws-sdk/client-pinpoint';
import type { ClientSdk, LegacyClientContext, LegacyEvent, LegacyEventsBody } from '../legacy/types';
import type { EventEnvelope } from './event-envelope';
import { deterministicEventId } from './event-id';
import { fitEntries, fitText, noAdjustments, type LimitAdjustments } from './pinpoint-limits';
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
 * A legacy request that passed validation, with the JSON texts it was parsed from: durable mode
 * stores the texts as they are (no re-serialization on the HTTP thread) and maps them at delivery.
 */
export interface ValidatedRequest extends LegacyRequest {
  clientContextJson: string;
  bodyJson: string;
}

/** The mapped events, and what was fitted to Pinpoint's limits (to be logged, never silent). */
export interface MappedRequest {
  applicationId: string;
  endpointId: string;
  envelopes: EventEnvelope[];
  adjustments: LimitAdjustments;
}

/** Pinpoint's Demographic length limits (API reference, Events page). */
const DEMOGRAPHIC_LIMITS = { Make: 50, Model: 100, ModelVersion: 50, Platform: 50, PlatformVersion: 50, Locale: 50, AppVersion: 50 };

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

function toEndpoint(context: LegacyClientContext, sdk: ClientSdk, adjust: LimitAdjustments): PublicEndpoint {
  const env = context.env ?? {};
  const values: Record<keyof typeof DEMOGRAPHIC_LIMITS, string | undefined> = {
    Make: env.make,
    Model: env.model,
    ModelVersion: env.model_version,
    Platform: env.platform,
    PlatformVersion: env.platform_version,
    Locale: toPinpointLocale(env.locale),
    AppVersion: appVersions(context, sdk).name,
  };
  const demographic: EndpointDemographic = {};
  for (const [key, value] of Object.entries(values) as Array<[keyof typeof DEMOGRAPHIC_LIMITS, string | undefined]>) {
    if (value) demographic[key] = fitText(value, DEMOGRAPHIC_LIMITS[key], adjust);
  }
  return { Demographic: demographic };
}

function toEvent(
  legacy: LegacyEvent,
  common: Pick<Event, 'AppPackageName' | 'AppTitle' | 'AppVersionCode' | 'SdkName' | 'ClientSdkVersion'>,
  adjust: LimitAdjustments,
): Event {
  const { attributes, metrics } = fitEntries(legacy.attributes, legacy.metrics, adjust);
  const event: Event = { EventType: legacy.eventType, Timestamp: toIsoTimestamp(legacy.timestamp), ...common };
  if (Object.keys(attributes).length > 0) event.Attributes = attributes;
  if (Object.keys(metrics).length > 0) event.Metrics = metrics;
  const session = toPinpointSession(legacy.session);
  if (session) event.Session = session;
  return event;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Maps a validated legacy request to Pinpoint events (pure: no clock, no randomness, no IO).
 * Endpoint id = `client.client_id` (iOS `installation_id` when there is none); application id =
 * `services.mobile_analytics.app_id`, or its entry in `appIdMap`.
 */
export function mapLegacyRequest(request: LegacyRequest, appIdMap: ReadonlyMap<string, string>): MappedRequest {
  const { clientContext: context, body, sdk, receivedAt } = request;
  const legacyAppId = context.services.mobile_analytics.app_id;
  const applicationId = appIdMap.get(legacyAppId) ?? legacyAppId;
  const endpointId = (context.client.client_id ?? context.client.installation_id) as string;
  const adjustments = noAdjustments();
  const endpoint = toEndpoint(context, sdk, adjustments);
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
      event: toEvent(legacy, common, adjustments),
      receivedAt,
    }),
  );
  return { applicationId, endpointId, envelopes, adjustments };
}
