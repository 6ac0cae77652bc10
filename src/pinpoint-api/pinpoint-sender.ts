/**
 * The Pinpoint-native senders whose answer rules differ (README, "How the proxy answers each Pinpoint sender").
 * - `pinpoint-android`: aws-sdk-android `PinpointManager` (also Amplify Android v1, built on it);
 * - `pinpoint-ios`: aws-sdk-ios `AWSPinpoint`;
 * - `amplify-js`, `amplify-android` (v2, on aws-sdk-kotlin), `amplify-swift` (and `amplify-ios`),
 *   `amplify-flutter`;
 * - `aws-sdk-js` (v2 and v3) and `aws-cli`: backends and scripts calling PutEvents themselves;
 * - `unknown`: anything else (another AWS SDK, curl, a proxy that rewrote the headers).
 */
export type PinpointSenderKind =
  | 'pinpoint-android'
  | 'pinpoint-ios'
  | 'amplify-js'
  | 'amplify-android'
  | 'amplify-swift'
  | 'amplify-flutter'
  | 'aws-sdk-js'
  | 'aws-cli'
  | 'unknown';

/** Who sent a PutEvents call, and the version its user agent names (when it names one). */
export interface PinpointSender {
  kind: PinpointSenderKind;
  version?: string;
}

/**
 * The user-agent tokens, most specific first: an Amplify library rides on an AWS SDK whose token
 * is in the same header (Amplify JS v5 on aws-sdk-js v3, Amplify Android v2 on aws-sdk-kotlin,
 * Amplify Swift on aws-sdk-swift), and the AWS CLI names botocore, so the library is looked for
 * before the SDK under it. The version is what follows the `/`, `#` or `:` after the name.
 */
const TOKENS: ReadonlyArray<readonly [PinpointSenderKind, RegExp]> = [
  // Amplify Android v2 and Swift append `lib/amplify-android#<ver>` / `lib/amplify-swift#<ver>`;
  // Amplify iOS v1 and the Swift dev previews named themselves `amplify-iOS` / `amplify-ios`.
  ['amplify-android', /\blib\/amplify-android#([^\s]+)/i],
  ['amplify-swift', /\b(?:lib\/)?amplify-(?:swift|ios)[#/]([^\s]+)/i],
  ['amplify-flutter', /\b(?:lib\/)?amplify-flutter[#/]([^\s]+)/i],
  ['amplify-js', /\baws-amplify\/([^\s]+)/i],
  // PinpointManager adds `com.amazonaws.mobileconnectors.pinpoint.PinpointManager/<ver>` to the
  // SDK's `aws-sdk-android/<ver>`; the only PutEvents sender aws-sdk-android has is that manager.
  ['pinpoint-android', /\bPinpointManager\/([^\s]+)/i],
  ['pinpoint-android', /\baws-sdk-android\/([^\s]+)/i],
  ['pinpoint-ios', /\baws-sdk-ios\/([^\s]+)/i],
  ['aws-cli', /\baws-cli\/([^\s]+)/i],
  ['aws-sdk-js', /\baws-sdk-(?:js|nodejs)\/([^\s]+)/i],
];

/**
 * Tells a Pinpoint-native sender from `User-Agent` and `x-amz-user-agent` (browsers cannot set
 * User-Agent, so the JavaScript libraries name themselves in the latter). Both headers are read
 * together, as one text, so that a library token in either wins over an SDK token in the other.
 */
export function detectPinpointSender(userAgent: string | undefined, amzUserAgent: string | undefined): PinpointSender {
  const text = [amzUserAgent, userAgent].filter((header) => header !== undefined).join(' ');
  for (const [kind, token] of TOKENS) {
    const match = token.exec(text);
    if (match) return { kind, version: match[1] };
  }
  return { kind: 'unknown' };
}
