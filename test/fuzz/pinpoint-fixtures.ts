import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PinpointSenderKind } from '../../src/pinpoint-api/pinpoint-sender';
import { awsPinpointDevice } from '../fixtures/pinpoint-clients/aws-pinpoint-ios';
import { pinpointManagerDevice } from '../fixtures/pinpoint-clients/pinpoint-manager';
import type { MobileDevice, PinpointWireRequest } from '../fixtures/pinpoint-clients/wire-request';
import type { UserAgent } from './wire';

/** A real Pinpoint request to start from: its operation, and where it was sent and by whom when the fixture says. */
export interface PinpointFixture {
  name: string;
  operation: 'PutEvents' | 'UpdateEndpoint';
  /** The path a device sent it to; undefined for a body alone (the suite picks the path). */
  path?: string;
  /** The device's user agent; undefined for a body alone (the suite picks one). */
  agent?: UserAgent<PinpointSenderKind>;
  /** The device's other headers (Content-Type, Host, X-Amz-*, Authorization), without Content-Length and Connection. */
  headers: Array<[string, string]>;
  body: Buffer;
}

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const AGENT_HEADERS = new Set(['user-agent', 'x-amz-user-agent']);
const TRANSPORT_HEADERS = new Set(['content-length', 'connection']);

function fromDevice(call: PinpointWireRequest, operation: PinpointFixture['operation'], kind: PinpointSenderKind): PinpointFixture {
  const headers = Object.entries(call.headers);
  return {
    name: call.name,
    operation,
    path: call.path,
    agent: { kind, headers: headers.filter(([name]) => AGENT_HEADERS.has(name.toLowerCase())) },
    headers: headers.filter(([name]) => !AGENT_HEADERS.has(name.toLowerCase()) && !TRANSPORT_HEADERS.has(name.toLowerCase())),
    body: call.body,
  };
}

/** A device's UpdateEndpoint, a call of 3 events, and its calls of 100 (the second holds the event Pinpoint refuses). */
function deviceCalls(device: MobileDevice, kind: PinpointSenderKind): PinpointFixture[] {
  const ids = device.queue.map(([id]) => id);
  return [
    fromDevice(device.updateEndpoint, 'UpdateEndpoint', kind),
    fromDevice(device.putEvents(ids.slice(0, 3)), 'PutEvents', kind),
    fromDevice(device.putEvents(ids.slice(0, 100)), 'PutEvents', kind),
    fromDevice(device.putEvents(ids.slice(100, 200)), 'PutEvents', kind),
  ];
}

function bodyFixture(file: string, operation: PinpointFixture['operation']): PinpointFixture {
  return { name: path.basename(file), operation, headers: [['Content-Type', 'application/json']], body: readFileSync(file) };
}

/**
 * The Pinpoint requests of `test/fixtures`: the PutEvents bodies of `pinpoint-requests/`, the AWS
 * CLI's PutEvents and UpdateEndpoint bodies, and PinpointManager's and AWSPinpoint's calls as
 * each SDK puts them on the wire.
 */
export function pinpointFixtures(): PinpointFixture[] {
  const requests = path.join(FIXTURES, 'pinpoint-requests');
  const clients = path.join(FIXTURES, 'pinpoint-clients');
  return [
    ...readdirSync(requests)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => bodyFixture(path.join(requests, name), 'PutEvents')),
    bodyFixture(path.join(clients, 'aws-cli-events-request.json'), 'PutEvents'),
    bodyFixture(path.join(clients, 'aws-cli-endpoint-request.json'), 'UpdateEndpoint'),
    ...deviceCalls(pinpointManagerDevice(), 'pinpoint-android'),
    ...deviceCalls(awsPinpointDevice(), 'pinpoint-ios'),
  ];
}
