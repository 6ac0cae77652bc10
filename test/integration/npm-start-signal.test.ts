import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from '../support/legacy-sender';
import { makeTempDir } from '../support/temp-dir';

const ROOT = path.resolve(__dirname, '..', '..');

/** A process's parent pid and state from /proc, or undefined once it is gone. */
function procStat(pid: number): { ppid: number; state: string } | undefined {
  try {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state = '', ppid = '0'] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(ppid), state };
  } catch {
    return undefined;
  }
}

/** Running: exists and is not a zombie (an exited process nobody reaped yet). */
function isRunning(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

/** The `node dist/main.js` process among the descendants of `root`. */
function findService(root: number): number | undefined {
  const pids = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  const parents = new Map(pids.map((pid) => [pid, procStat(pid)?.ppid]));
  const descends = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === root) return true;
    return false;
  };
  return pids.find((pid) => {
    if (!descends(pid)) return false;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return path.basename(argv[0] ?? '') === 'node' && argv[1] === 'dist/main.js';
    } catch {
      return false;
    }
  });
}

/**
 * `npm start` under a process manager that signals only the pid it started (npm's): the signal
 * must reach the service, which drains and exits 0, and no `node dist/main.js` may be left
 * behind. npm forwards SIGTERM/SIGINT to the script's shell; dash dies of it without passing it
 * on, so the script must `exec` the service (the shell's pid becomes the service's).
 *
 * `--ignore-scripts` skips `prestart` (a rebuild of dist/, which `npm test` has just built): it
 * would rewrite dist/ under the other test files running in parallel, and is not on the signal's
 * way. The `start` script itself still runs the way `npm start` runs it (npm → sh -c → script).
 */
describe('npm start passes signals to the service', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s to npm stops the service cleanly, exit code 0, nothing left running', async (signal) => {
    const temp = makeTempDir();
    const npm = spawn('npm', ['start', '--ignore-scripts'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: temp.dir, PORT: '0', ADMIN_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.on('exit', (code, sig) => resolve({ code, signal: sig })));
    const logs: Array<Record<string, unknown>> = [];
    createInterface({ input: npm.stdout }).on('line', (line) => {
      if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
    });
    let stderr = '';
    npm.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let service: number | undefined;
    try {
      // Up once both ports listen: the ingest port, then the admin port.
      await waitFor(() => logs.some((l) => l['message'] === 'admin listening'), 30_000, `admin listening (stderr: ${stderr})`);
      service = findService(npm.pid as number);
      expect(service).toEqual(expect.any(Number));

      npm.kill(signal);
      const result = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('npm still running'), 15_000))]);
      expect(result).toEqual({ code: 0, signal: null });
      // The endpoint profile store says where it is as it opens, before the ports listen.
      expect(logs.map((l) => l['message'])).toEqual(['endpoint profiles', 'listening', 'admin listening', 'stopping', 'stopped']);
      expect(logs[3]).toEqual(expect.objectContaining({ signal }));
      await waitFor(() => !isRunning(service as number), 5_000, 'the service process to end').catch(() => undefined);
      expect({ service, running: isRunning(service as number) }).toEqual({ service, running: false });
    } finally {
      if (service !== undefined && isRunning(service)) process.kill(service, 'SIGKILL');
      if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
      temp.remove();
    }
  });
});
