import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allClientFixtures } from '../fixtures/clients';
import { awsSdkJsLegacy } from '../fixtures/clients/aws-sdk-js';
import { iosEarly } from '../fixtures/clients/ios';
import { FLEET_KEY, writeCredentialsFile } from '../support/device-keys';
import { startInProcessProxy } from '../support/in-process-proxy';
import { runToExit } from '../support/proxy-process';
import { recordingLineOf, writeRecording } from '../support/recordings';
import { expectSignedBy, type ReceivedRequest } from '../support/sigv4-check';
import { makeTempDir } from '../support/temp-dir';

const CREDENTIALS = { accessKeyId: 'AKIDREPLAYSIGN', secretAccessKey: 'replay-sign-secret', sessionToken: 'replay-sign-session' };

describe('ma2pinpoint replay --sign (built CLI)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let server: Server;
  let target: string;
  let received: ReceivedRequest[];

  beforeEach(async () => {
    temp = makeTempDir();
    received = [];
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
        received.push({ method: request.method ?? '', url: request.url ?? '', headers, body: Buffer.concat(chunks) });
        response.writeHead(202, { 'Content-Length': '0' });
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    temp.remove();
  });

  /** The environment of a CLI run: no AWS profile files, no instance metadata service, only what `env` adds. */
  const isolated = (env: Record<string, string>): Record<string, string> => ({ HOME: temp.dir, AWS_EC2_METADATA_DISABLED: 'true', ...env });

  it('signs every request with the credentials of the standard chain (here the environment) for mobileanalytics in AWS_REGION', async () => {
    const file = writeRecording(temp.dir, 'r.jsonl', [recordingLineOf(awsSdkJsLegacy(), Date.parse('2026-11-22T10:00:00Z')), recordingLineOf(iosEarly(), Date.parse('2026-11-22T10:00:01Z'))]);
    const env = isolated({ AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, AWS_SESSION_TOKEN: CREDENTIALS.sessionToken, AWS_REGION: 'eu-central-1' });
    const result = await runToExit('cli', ['replay', file, '--target', target, '--sign'], env, 30_000);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(received).toHaveLength(2);
    for (const request of received) {
      expectSignedBy(request, CREDENTIALS, 'eu-central-1', 'mobileanalytics');
      expect(request.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
    }
  });

  it('sends nothing when the chain finds no credentials: exit code 1, the reason on stderr', async () => {
    const file = writeRecording(temp.dir, 'r.jsonl', [recordingLineOf(iosEarly(), Date.parse('2026-11-22T10:00:00Z'))]);
    const result = await runToExit('cli', ['replay', file, '--target', target, '--sign'], isolated({}), 30_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^--sign: no AWS credentials found: /);
    expect(received).toEqual([]);
  });

  it('is accepted by a service that checks device signatures (AUTH_MODE=sigv4), where the recording sent as recorded is refused', async () => {
    const proxy = await startInProcessProxy({ SINK: 'local', DATA_DIR: temp.dir, AUTH_MODE: 'sigv4', AUTH_CREDENTIALS_FILE: writeCredentialsFile(temp.dir, [FLEET_KEY]) });
    try {
      const fixtures = allClientFixtures({ largeBatches: false });
      const file = writeRecording(temp.dir, 'r.jsonl', fixtures.map((fixture, i) => recordingLineOf(fixture, Date.parse('2026-11-22T10:00:00Z') + i)));
      const unsigned = await runToExit('cli', ['replay', file, '--target', proxy.url], isolated({}), 30_000);
      expect(unsigned.code).toBe(1);
      expect(unsigned.stdout).toMatch(/^answered 202 as expected: 0 of \d+$/m);
      const env = isolated({ AWS_ACCESS_KEY_ID: FLEET_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: FLEET_KEY.secretAccessKey, AWS_REGION: 'us-east-1' });
      const signed = await runToExit('cli', ['replay', file, '--target', proxy.url, '--sign'], env, 30_000);
      expect({ code: signed.code, stderr: signed.stderr }).toEqual({ code: 0, stderr: '' });
      expect(signed.stdout).toContain(`answered 202 as expected: ${fixtures.length} of ${fixtures.length}`);
    } finally {
      await proxy.close();
    }
  });
});
