import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { toLegacyResponse } from '../http/legacy-response';
import { toPinpointAnswer } from '../pinpoint-api/pinpoint-answer';
import { createDryRun, type DryRunFormat } from '../replay/dry-run';
import { createHttpSender, type SigningOptions } from '../replay/http-sender';
import { replayRequests, scanReplayInput, type ReplayInput } from '../replay/replay-input';
import { ReplayInputError } from '../replay/replay-input-error';
import { createReplayPacer } from '../replay/replay-pacer';
import type { ReplayClientKind } from '../replay/replay-request';
import { runReplay } from '../replay/replay-runner';
import { createSummaryCollector, replayExitCode, type ReplaySummary, type SummaryCollector } from '../replay/replay-summary';
import type { ProgressStream } from './progress-display';
import type { Output } from './output';
import { createReplayProgress, type ReplayProgressDisplay } from './replay-progress';
import { formatTable } from './text-table';

/** How to send: where, how fast, signed or not. */
export interface SendOptions {
  /** Base URL; each recorded path and query is appended to its path. */
  readonly target: URL;
  /** Requests started per second, at most. */
  readonly rate?: number;
  readonly concurrency: number;
  /** Keep the recorded spacing. */
  readonly retime: boolean;
  /** Sign each request again with SigV4. */
  readonly sign: boolean;
}

/** What `ma2pinpoint replay` was asked for: send (`send`), or a dry run (`dryRun`). */
export interface ReplayCommandOptions {
  /** Recording files, HAR files and directories of them. */
  readonly paths: readonly string[];
  /** The status every answer should have. */
  readonly expect: number;
  readonly mode: { readonly send: SendOptions } | { readonly dryRun: { readonly format: DryRunFormat } };
}

/** Where `ma2pinpoint replay` reads its settings and reports. */
export interface ReplayCommandContext {
  readonly io: Output;
  /** Standard error, for the progress display. */
  readonly progress: ProgressStream;
  readonly clock: Clock;
  /** The environment: `AWS_REGION` for `--sign`. */
  readonly env: NodeJS.ProcessEnv;
  /** The service's configuration, read for a dry run (`PINPOINT_APP_ID_MAP`, `BODY_LIMIT`, `INFLATED_BODY_LIMIT`, `ENDPOINT_STORE_MAX_BYTES`). */
  readonly config: () => Config;
}

/** The order client kinds are listed in: the legacy clients, the Pinpoint-native senders, then whoever else. */
const CLIENT_KINDS: readonly ReplayClientKind[] = [
  'android',
  'ios',
  'js',
  'pinpoint-android',
  'pinpoint-ios',
  'amplify-js',
  'amplify-android',
  'amplify-swift',
  'amplify-flutter',
  'aws-sdk-js',
  'aws-cli',
  'unknown',
];

/** The summary: answers by status and client kind, then the slowest and the failed examples, then what was left out. */
export function formatReplaySummary(summary: ReplaySummary, input: ReplayInput, timed: boolean): string[] {
  const kinds = CLIENT_KINDS.filter((kind) => [...summary.counts.values()].some((byKind) => byKind.has(kind)));
  const statuses = [...summary.counts.keys()].sort((a, b) => (a === 'error' ? 1 : b === 'error' ? -1 : a - b));
  const rows = statuses.map((status) => {
    const byKind = summary.counts.get(status);
    const cells = kinds.map((kind) => String(byKind?.get(kind) ?? 0));
    const all = [...(byKind?.values() ?? [])].reduce((sum, n) => sum + n, 0);
    return [String(status), ...cells, String(all)];
  });
  const lines = [formatTable([['ANSWER', ...kinds, 'ALL'], ...rows], ['left', ...kinds.map(() => 'right' as const), 'right'])];
  lines.push('', `answered ${summary.expected} as expected: ${summary.answers - summary.unexpected} of ${summary.answers}`);
  if (summary.notSent > 0) lines.push(`${summary.notSent} not sent: the capture holds no body`);
  if (input.otherHarEntries > 0) lines.push(`${input.otherHarEntries} HAR entries left out: not a legacy or Pinpoint PutEvents, nor an UpdateEndpoint`);
  for (const source of input.cutOffLines) lines.push(`${source}: left out, the last line is cut off (no newline ends it and it is not JSON)`);
  if (timed && summary.slowest.length > 0) {
    lines.push('', 'slowest:', ...summary.slowest.map((a) => `  ${a.source}  ${a.status}  ${a.ms} ms`));
  }
  if (summary.failed.length > 0) {
    lines.push('', `first answers that were not ${summary.expected}:`, ...summary.failed.map((a) => `  ${a.source}  ${a.status}${a.detail !== undefined ? `  ${a.detail}` : ''}`));
  }
  if (summary.notSentExamples.length > 0) lines.push('', 'not sent:', ...summary.notSentExamples.map((n) => `  ${n.source}  ${n.reason}`));
  return lines;
}

/** Counts answers into the summary and the progress display at once. */
function tracking(collector: SummaryCollector, display: ReplayProgressDisplay, expected: number): { answered: SummaryCollector['add']; notSent: SummaryCollector['notSent'] } {
  let done = 0;
  let unexpected = 0;
  return {
    answered(answer) {
      collector.add(answer);
      done += 1;
      if (answer.status !== expected) unexpected += 1;
      display.update({ done, unexpected });
    },
    notSent(request) {
      collector.notSent(request);
      done += 1;
      display.update({ done, unexpected });
    },
  };
}

/**
 * Signing settings: `AWS_REGION` (us-east-1 without it) and the standard AWS credential chain
 * (environment, profile, SSO, web identity, container, instance), resolved once before anything
 * is sent so that missing credentials stop the replay at once; it refreshes expiring ones.
 */
async function signingOptions(env: NodeJS.ProcessEnv): Promise<SigningOptions> {
  const credentials = defaultProvider();
  await credentials();
  const region = env['AWS_REGION'];
  return { region: region !== undefined && region !== '' ? region : 'us-east-1', credentials };
}

/**
 * `ma2pinpoint replay FILE|DIR…`: reads recordings and HAR files (all of them checked and counted
 * first), then either sends every request to the target (`send`: paced, signed if asked, a
 * progress display on stderr, the summary on stdout) or runs each through the service's pipeline
 * in-process (`dryRun`: one JSON line per request on stdout, the summary on stderr). Exit code 0
 * when every answer was `expect`; 1 when one was not (a network error included), when an input
 * cannot be read or holds no request, or when `--sign` finds no credentials.
 */
export async function runReplayCommand(options: ReplayCommandOptions, context: ReplayCommandContext): Promise<number> {
  const { io } = context;
  let input: ReplayInput;
  try {
    input = await scanReplayInput(options.paths);
  } catch (err: unknown) {
    if (!(err instanceof ReplayInputError)) throw err;
    io.err(err.message);
    return 1;
  }
  if (input.requests === 0) {
    io.err(`no requests to replay (legacy or Pinpoint PutEvents, UpdateEndpoint) found in ${options.paths.join(', ')}`);
    return 1;
  }
  const collector = createSummaryCollector(options.expect);
  const dryRun = 'dryRun' in options.mode ? options.mode.dryRun : undefined;
  let sign: SigningOptions | undefined;
  if ('send' in options.mode && options.mode.send.sign) {
    try {
      sign = await signingOptions(context.env);
    } catch (err: unknown) {
      io.err(`--sign: no AWS credentials found: ${(err as Error).message}`);
      return 1;
    }
  }
  const config = dryRun ? context.config() : undefined;
  const dryRunOne =
    dryRun && config
      ? createDryRun({
          format: dryRun.format,
          appIdMap: config.appIdMap,
          bodyLimit: config.http.bodyLimit,
          inflatedBodyLimit: config.http.inflatedBodyLimit,
          answer: toLegacyResponse,
          pinpoint: { bodyLimit: config.http.pinpointBodyLimit, endpointStoreMaxBytes: config.endpointProfiles.maxBytes, answer: toPinpointAnswer },
        })
      : undefined;
  const display = createReplayProgress(context.progress, context.clock.now, input.requests, options.expect);
  const track = tracking(collector, display, options.expect);
  let stopped: ReplayInputError | undefined;
  try {
    if (dryRunOne) {
      for await (const request of replayRequests(input)) {
        const result = await dryRunOne(request);
        io.out(result.line);
        if (result.answer) track.answered(result.answer);
        else track.notSent(request);
      }
    } else if ('send' in options.mode) {
      const send = options.mode.send;
      const sender = createHttpSender({ target: send.target, maxSockets: send.concurrency, now: context.clock.now, ...(sign ? { sign } : {}) });
      try {
        await runReplay(replayRequests(input), {
          concurrency: send.concurrency,
          pacer: createReplayPacer({ retime: send.retime, ...(send.rate !== undefined ? { rate: send.rate } : {}) }, context.clock),
          send: (request) => sender.send(request),
          onAnswer: track.answered,
          onNotSent: track.notSent,
        });
      } finally {
        sender.close();
      }
    }
  } catch (err: unknown) {
    // A file that changed since it was checked: what was sent before is still summed up.
    if (!(err instanceof ReplayInputError)) throw err;
    stopped = err;
  } finally {
    display.stop();
  }
  const summary = collector.summary();
  const report = formatReplaySummary(summary, input, dryRun === undefined);
  // A dry run's stdout is its JSON lines, for tools to read: the summary goes beside them.
  for (const line of report) {
    if (dryRun) io.err(line);
    else io.out(line);
  }
  if (stopped) {
    io.err(`replay stopped: ${stopped.message}`);
    return 1;
  }
  return replayExitCode(summary);
}
