import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { STAND_IN_CREDENTIALS } from './pinpoint-stand-in';

/** The built service (`dist/main.js`) running as a child process. */
export interface ProxyProcess {
  url: string;
  child: ChildProcess;
  /** Log lines printed so far (JSON objects). */
  logs: Array<Record<string, unknown>>;
  /** Resolves with the exit code or signal once the process ended. */
  exited: Promise<number | NodeJS.Signals | null>;
}

const MAIN = path.resolve(__dirname, '..', '..', 'dist', 'main.js');
const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'main.js');

/** `STAND_IN_CREDENTIALS` as the variables a child process reads its AWS credentials from. */
export const STAND_IN_CREDENTIALS_ENV: Readonly<Record<string, string>> = Object.freeze({
  AWS_ACCESS_KEY_ID: STAND_IN_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: STAND_IN_CREDENTIALS.secretAccessKey,
});

/**
 * The environment of a child-process service in ACK_MODE=durable that spools in `dataDir` and
 * delivers to the Pinpoint stand-in at `pinpointUrl` with its keys, lingering 50 ms per batch.
 */
export function durablePinpointEnv(pinpointUrl: string, dataDir: string): Record<string, string> {
  return {
    ACK_MODE: 'durable',
    SINK: 'pinpoint',
    PINPOINT_ENDPOINT: pinpointUrl,
    DATA_DIR: dataDir,
    ...STAND_IN_CREDENTIALS_ENV,
    FORWARD_LINGER_MS: '50',
  };
}

/** What a built entry point printed and how it ended. */
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a built entry point to its end, as an operator would (`node dist/cli/main.js spool stats`,
 * or `node dist/main.js`), with only `env` and PATH in its environment (and, for the service,
 * `ADMIN_PORT=0` unless `env` sets it); killed after `timeoutMs`.
 */
export function runToExit(entry: 'cli' | 'service', args: readonly string[], env: Record<string, string>, timeoutMs = 15_000): Promise<ProcessResult> {
  const child = spawn(process.execPath, [entry === 'cli' ? CLI : MAIN, ...args], {
    // The service's admin port on any free port unless `env` names one: test files run in parallel.
    env: { PATH: process.env['PATH'] ?? '', ...(entry === 'service' ? { ADMIN_PORT: '0' } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Starts `node dist/main.js` with `env` on a free port (its admin port on another, unless `env`
 * says otherwise) and waits for its `listening` line (logged at info, the default level here).
 * The caller must kill the child when done.
 */
export function startProxyProcess(env: Record<string, string>): Promise<ProxyProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: '0', ADMIN_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not start: ${stderr}`));
    }, 20_000);
    void exited.then((code) => reject(new Error(`service exited (${String(code)}) before listening: ${stderr}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry['message'] === 'listening') {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${String(entry['port'])}`, child, logs, exited });
      }
    });
  });
}

/** Kills a service a test started, unless it has already ended, and waits until it has exited. */
export async function killProxyProcess(service: ProxyProcess | undefined): Promise<void> {
  if (!service) return;
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
  await service.exited;
}
