import type { PinpointSenderKind } from '../../src/pinpoint-api/pinpoint-sender';
import { encodeBody, mutateBytes, sendable, type BodyEncoding, type ByteMutation, type FuzzRequest, type UserAgent } from './wire';

/**
 * How the Pinpoint fuzz suite describes one request before it becomes bytes: who sends it (the
 * sender kind whose "retry later" the answer must use), the method and the path as sent (ids
 * percent-encoded as generated, query included), the body's bytes and how they are encoded.
 */
export interface PinpointRequestSpec {
  /** Where the request comes from: what was generated or which fixture, and the changes applied. */
  origin: string;
  agent: UserAgent<PinpointSenderKind>;
  method: string;
  path: string;
  /** Other headers (Content-Type, Host, X-Amz-*, the device's Authorization...). */
  headers: Array<[string, string]>;
  /** The body before any Content-Encoding (usually JSON, maybe broken). */
  body: Buffer;
  encoding: BodyEncoding;
  /** Byte changes to the body as sent (after encoding). */
  wireMutations: ByteMutation[];
}

/** A Pinpoint API request as it goes on the wire. */
export type PinpointFuzzRequest = FuzzRequest<PinpointSenderKind>;

const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';

/**
 * User-Agent header sets of every Pinpoint sender kind, as each puts them on the wire; the kind is
 * stated here, not asked of the service's `detectPinpointSender` (the suite checks that it agrees).
 */
export const PINPOINT_USER_AGENTS: ReadonlyArray<UserAgent<PinpointSenderKind>> = [
  {
    kind: 'pinpoint-android',
    headers: [['User-Agent', 'aws-sdk-android/2.81.1 Linux/5.10.198 Dalvik/2.1.0/0 de_DE com.amazonaws.mobileconnectors.pinpoint.PinpointManager/2.81.1']],
  },
  { kind: 'pinpoint-android', headers: [['User-Agent', 'aws-sdk-android/2.16.13 Linux/4.14.186 Dalvik/2.1.0/0 en_US']] },
  { kind: 'pinpoint-ios', headers: [['User-Agent', 'aws-sdk-iOS/2.36.7 iOS/17.4.1 en_US']] },
  { kind: 'amplify-js', headers: [['User-Agent', BROWSER], ['x-amz-user-agent', 'aws-amplify/6.0.28 analytics/1 framework/0']] },
  { kind: 'amplify-js', headers: [['User-Agent', BROWSER], ['x-amz-user-agent', 'aws-amplify/5.3.27 js']] },
  {
    kind: 'amplify-android',
    headers: [['User-Agent', 'aws-sdk-kotlin/1.3.81 ua/2.1 api/pinpoint#1.3.81 os/android#4.14.141+ lang/kotlin#2.1.21 md/jvmName#Dalvik lib/amplify-android#2.27.4']],
  },
  { kind: 'amplify-swift', headers: [['User-Agent', 'aws-sdk-swift/1.0.0 ua/2.1 api/pinpoint#1.0.0 os/ios#17.2 lang/swift#5.9 lib/amplify-swift#2.37.0']] },
  { kind: 'amplify-flutter', headers: [['User-Agent', 'aws-sdk-dart/0.3.1 ua/2.0 api/pinpoint#0.3.1 os/android#13 lang/dart#3.2.0 lib/amplify-flutter#1.6.0']] },
  { kind: 'aws-sdk-js', headers: [['User-Agent', 'aws-sdk-js/3.600.0 ua/2.1 os/linux#6.1.0 lang/js md/nodejs#20.20.2 api/pinpoint#3.600.0']] },
  { kind: 'aws-sdk-js', headers: [['User-Agent', 'aws-sdk-nodejs/2.1693.0 linux/v20.20.2 callback']] },
  { kind: 'aws-cli', headers: [['User-Agent', 'aws-cli/2.15.30 ua/2.0 os/linux#6.1.0 lang/python#3.11.8 md/command#pinpoint.put-events']] },
  { kind: 'unknown', headers: [] },
  { kind: 'unknown', headers: [['User-Agent', 'curl/8.5.0']] },
  { kind: 'unknown', headers: [['User-Agent', 'okhttp/4.12.0']] },
];

/** Turns a spec into the request as sent. */
export function buildPinpointRequest(spec: PinpointRequestSpec, index: number): PinpointFuzzRequest {
  const headers: Array<[string, string]> = [...spec.agent.headers, ...spec.headers];
  if (spec.encoding.header !== undefined) headers.push(['Content-Encoding', sendable(spec.encoding.header)]);
  const body = mutateBytes(encodeBody(spec.body, spec.encoding), spec.wireMutations);
  return { index, origin: spec.origin, kind: spec.agent.kind, method: spec.method, path: spec.path, headers, body };
}
