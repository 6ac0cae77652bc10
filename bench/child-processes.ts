import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';

/** How to start one server under test. */
export interface ProcessSpec {
  name: string;
  /** A Node script, run with this same `node` binary. */
  script: string;
  env: Record<string, string>;
}

/** A started child listening on 127.0.0.1. */
export interface RunningProcess {
  name: string;
  pid: number;
  url: string;
  /** Why the process ended by itself, or undefined while it runs. */
  exitReason(): string | undefined;
  stop(): Promise<void>;
}

/** The result of a start: running, or the reason it is unavailable (it refused its config, …). */
export type StartResult = { ok: true; process: RunningProcess } | { ok: false; reason: string };

const children = new Set<ChildProcess>();

/** Asks the kernel for a free loopback port (ma2pinpoint does not print its port at LOG_LEVEL=warn). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** Any HTTP answer on GET /healthz means the server accepts requests. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/healthz`, { method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => {
      resolve(false);
    });
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** The line that says why a child gave up (`Error: …`, `Invalid configuration: …`), else its last line. */
function summarizeOutput(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const index = lines.findIndex((l) => /^(\w*Error\b|Invalid configuration)/.test(l));
  const picked = index >= 0 ? lines.slice(index, index + 2) : lines.slice(-1);
  return picked.join(' ').slice(0, 300) || 'no output';
}

function kill(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts a child on a free 127.0.0.1 port with only the environment given (no inherited AWS
 * variables), and waits until it answers HTTP. A child that exits or stays silent for
 * `timeoutMs` is reported unavailable with the tail of its stderr.
 */
export async function startProcess(spec: ProcessSpec, timeoutMs = 20_000): Promise<StartResult> {
  const port = await freePort();
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', NODE_ENV: 'production', ...spec.env, HOST: '127.0.0.1', PORT: String(port) };
  const child = spawn(process.execPath, [spec.script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exit: string | undefined;
  child.on('close', (code, signal) => {
    children.delete(child);
    exit = `exited (${signal ?? `code ${code}`}): ${summarizeOutput(output)}`;
  });
  child.on('error', (err) => {
    exit = `could not start: ${err.message}`;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (exit === undefined && Date.now() < deadline) {
    if (await answers(url)) {
      const running: RunningProcess = {
        name: spec.name,
        pid: child.pid as number,
        url,
        exitReason: () => exit,
        stop: () => kill(child, 3000),
      };
      return { ok: true, process: running };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await kill(child, 1000);
  return { ok: false, reason: exit ?? `did not answer within ${timeoutMs} ms: ${summarizeOutput(output)}` };
}

/** Stops every child still running; called at the end and on errors and signals. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...children].map((child) => kill(child, 2000)));
}

/** Last-resort synchronous kill, for `process.on('exit')`. */
export function killAllProcessesNow(): void {
  for (const child of children) child.kill('SIGKILL');
}
