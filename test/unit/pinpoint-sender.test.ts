import { detectPinpointSender, type PinpointSender } from '../../src/pinpoint-api/pinpoint-sender';

/**
 * Header values in each sender's own form, as its source builds them (the SDKs'
 * user-agent builders); versions and device details are examples.
 */
const table: Array<[string, string | undefined, string | undefined, PinpointSender]> = [
  [
    'aws-sdk-android PinpointManager',
    'aws-sdk-android/2.73.0 Linux/5.10.157-android13 Dalvik/2.1.0/0 en_US com.amazonaws.mobileconnectors.pinpoint.PinpointManager/2.73.0',
    undefined,
    { kind: 'pinpoint-android', version: '2.73.0' },
  ],
  ['aws-sdk-android without the manager token', 'aws-sdk-android/2.16.13 Linux/4.14.141 Dalvik/2.1.0/0 en_GB', undefined, { kind: 'pinpoint-android', version: '2.16.13' }],
  ['aws-sdk-ios AWSPinpoint', 'aws-sdk-iOS/2.33.4 iOS/17.2 en_US', undefined, { kind: 'pinpoint-ios', version: '2.33.4' }],
  [
    'Amplify Android v2 (aws-sdk-kotlin)',
    'aws-sdk-kotlin/1.3.81 ua/2.1 api/pinpoint#1.3.81 os/android#4.14.141+ lang/kotlin#2.1.21 md/jvmName#Dalvik md/androidApiVersion#29 lib/amplify-android#2.27.4 md/locale#en_GB',
    undefined,
    { kind: 'amplify-android', version: '2.27.4' },
  ],
  [
    'Amplify Swift (aws-sdk-swift)',
    'aws-sdk-swift/1.0.0 ua/2.1 api/pinpoint#1.0.0 os/ios#17.2 lang/swift#5.9 cfg/retry-mode#standard lib/amplify-swift#2.37.0',
    undefined,
    { kind: 'amplify-swift', version: '2.37.0' },
  ],
  [
    'Amplify Flutter (smithy dart)',
    'aws-sdk-dart/0.3.1 ua/2.0 api/pinpoint#0.3.1 os/android#13 lang/dart#3.2.0 md/amplify-analytics-pinpoint#1.6.0 lib/amplify-flutter#1.6.0',
    undefined,
    { kind: 'amplify-flutter', version: '1.6.0' },
  ],
  [
    'Amplify JS v6 (x-amz-user-agent, browser User-Agent)',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'aws-amplify/6.3.2 analytics/1 framework/0',
    { kind: 'amplify-js', version: '6.3.2' },
  ],
  [
    'Amplify JS v5 (on aws-sdk-js v3)',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'aws-sdk-js/3.6.1 os/Linux lang/js md/browser/Chrome_120.0.0.0 api/pinpoint/3.6.1 aws-amplify/5.3.11 js',
    { kind: 'amplify-js', version: '5.3.11' },
  ],
  [
    'aws-sdk-js v3 on Node',
    'aws-sdk-js/3.600.0 ua/2.0 os/linux#5.15.0 lang/js md/nodejs#20.11.0 api/pinpoint#3.600.0',
    'aws-sdk-js/3.600.0',
    { kind: 'aws-sdk-js', version: '3.600.0' },
  ],
  ['aws-sdk v2 on Node', 'aws-sdk-nodejs/2.1692.0 linux/v20.11.0 promise', undefined, { kind: 'aws-sdk-js', version: '2.1692.0' }],
  ['aws-sdk v2 in a browser', 'Mozilla/5.0 (X11; Linux x86_64)', 'aws-sdk-js/2.1692.0 promise', { kind: 'aws-sdk-js', version: '2.1692.0' }],
  [
    'AWS CLI v2',
    'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/distrib#debian.12 md/prompt#off md/command#pinpoint.put-events',
    undefined,
    { kind: 'aws-cli', version: '2.15.30' },
  ],
  ['AWS CLI v1 (names botocore)', 'aws-cli/1.32.0 Python/3.11.6 Linux/6.1.0 botocore/1.34.0', undefined, { kind: 'aws-cli', version: '1.32.0' }],
  ['boto3 (another SDK)', 'Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1 lang/python#3.11', undefined, { kind: 'unknown' }],
  ['curl', 'curl/8.5.0', undefined, { kind: 'unknown' }],
  ['no headers', undefined, undefined, { kind: 'unknown' }],
];

describe('detectPinpointSender', () => {
  it.each(table)('%s', (_name, userAgent, amzUserAgent, expected) => {
    expect(detectPinpointSender(userAgent, amzUserAgent)).toEqual(expected);
  });
});
