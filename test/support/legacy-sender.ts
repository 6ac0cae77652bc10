import { gzipSync } from 'node:zlib';

/** The client generations whose "retry later" answers differ. */
export type SenderKind = 'android' | 'ios' | 'js';

const USER_AGENTS: Record<SenderKind, string> = {
  android: 'aws-sdk-android/2.2.5 Linux/3.4.0 Dalvik/2.1.0/0 en_US com.amazonaws.mobileconnectors.amazonmobileanalytics.MobileAnalyticsManager/2.2.5',
  ios: 'aws-sdk-iOS/2.4.1 iPhone-OS/9.3 en_US',
  js: 'aws-sdk-nodejs/2.1693.0 linux/v20.20.2 callback',
};

/** A legacy event with a unique `tag` attribute, so a test can find it at the destination. */
export function taggedEvent(tag: string, clientId: string): Record<string, unknown> {
  return {
    eventType: 'level_complete',
    timestamp: '2026-11-22T10:00:00.000Z',
    session: { id: `s-${clientId}`, startTimestamp: '2026-11-22T09:59:00.000Z' },
    attributes: { tag },
    metrics: { score: 1 },
  };
}

/**
 * Sends one legacy PutEvents the way the given generation does (Android: gzip body and base64
 * client context; iOS: raw context, x-amz-json-1.1; JS: raw context, application/json).
 */
export async function sendLegacy(
  baseUrl: string,
  options: { kind: SenderKind; clientId: string; events: Array<Record<string, unknown>>; appId?: string },
): Promise<{ status: number; body: string; headers: Headers }> {
  const context = JSON.stringify({
    client: { client_id: options.clientId, app_title: 'Game', app_package_name: 'com.example.game' },
    env: { platform: options.kind === 'ios' ? 'iPhoneOS' : 'ANDROID', model: 'M', make: 'X', locale: 'en_US' },
    services: { mobile_analytics: { app_id: options.appId ?? 'app-1' } },
  });
  const json = JSON.stringify({ events: options.events });
  const headers: Record<string, string> = { 'User-Agent': USER_AGENTS[options.kind] };
  let body: Buffer | string = json;
  if (options.kind === 'android') {
    headers['x-amz-Client-Context'] = Buffer.from(context).toString('base64');
    headers['x-amz-Client-Context-Encoding'] = 'base64';
    headers['Content-Type'] = 'application/x-amz-json-1.0';
    headers['Content-Encoding'] = 'gzip';
    body = gzipSync(json);
  } else {
    headers['x-amz-Client-Context'] = context;
    headers['Content-Type'] = options.kind === 'ios' ? 'application/x-amz-json-1.1' : 'application/json';
  }
  const response = await fetch(`${baseUrl}/2014-06-05/events`, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** Runs `task` for each item with at most `limit` in flight. */
export async function inParallel<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Polls `check` (sync, or async such as running a CLI) until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
