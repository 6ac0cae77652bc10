import type { ClientSdk } from './types';

const SDK_TOKEN = /\b(aws-sdk-android|aws-sdk-ios|aws-sdk-nodejs|aws-sdk-js)\/([^\s]+)/i;

/**
 * Tells the client generation from `User-Agent` and `X-Amz-User-Agent` (browsers cannot set
 * User-Agent, so aws-sdk-js sends the latter). Android and iOS put `aws-sdk-android/<ver>` and
 * `aws-sdk-iOS/<ver>` first; aws-sdk-js sends `aws-sdk-nodejs/<ver>` or `aws-sdk-js/<ver>`.
 */
export function detectClientSdk(userAgent: string | undefined, amzUserAgent: string | undefined): ClientSdk {
  for (const header of [amzUserAgent, userAgent]) {
    if (!header) continue;
    const match = SDK_TOKEN.exec(header);
    if (!match) continue;
    const name = (match[1] as string).toLowerCase();
    const version = match[2] as string;
    if (name === 'aws-sdk-android') return { kind: 'android', name: 'aws-sdk-android', version };
    if (name === 'aws-sdk-ios') return { kind: 'ios', name: 'aws-sdk-iOS', version };
    return { kind: 'js', name, version };
  }
  if (userAgent && /^Mozilla\//.test(userAgent)) return { kind: 'js' };
  return { kind: 'unknown' };
}
