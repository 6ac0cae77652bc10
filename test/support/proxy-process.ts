import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

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

/**
 * Starts `node dist/main.js` with `env` on a free port and waits for its `listening` line
 * (logged at info, the default level here). The caller must kill the child when done.
 */
export function startProxyProcess(env: Record<string, string>): Promise<ProxyProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
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
