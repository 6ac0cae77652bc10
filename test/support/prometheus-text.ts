import { execFileSync } from 'node:child_process';

/** One sample line: its series name, labels and value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A metric family: its `# TYPE` and `# HELP`, and its samples (histograms: `_bucket`, `_sum`, `_count` series). */
export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

/** The families of one scrape. */
export type Scrape = Family[];

/**
 * A sample value as Prometheus reads it (Go's `strconv.ParseFloat`): a decimal number, or `Inf`,
 * `Infinity` and `NaN` with an optional sign and in any case (prom-client writes `Nan` for an
 * event loop lag not yet measured).
 */
function numberOf(text: string): number {
  const lower = text.toLowerCase();
  const unsigned = lower.startsWith('+') || lower.startsWith('-') ? lower.slice(1) : lower;
  if (unsigned === 'nan') return NaN;
  if (unsigned === 'inf' || unsigned === 'infinity') return lower.startsWith('-') ? -Infinity : Infinity;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`not a sample value: ${text}`);
  return value;
}

/** Reads one sample line, character by character, as the text format defines it: `name{label="value",…} value [timestamp]`. */
function readSample(line: string): Sample {
  let at = 0;
  const nameEnd = (): boolean => at >= line.length || line[at] === '{' || line[at] === ' ';
  while (!nameEnd()) at += 1;
  const name = line.slice(0, at);
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at += 1;
    while (line[at] !== '}') {
      const labelStart = at;
      while (at < line.length && line[at] !== '=') at += 1;
      const label = line.slice(labelStart, at).trim();
      if (line[at + 1] !== '"') throw new Error(`label ${label} without a quoted value: ${line}`);
      at += 2;
      let value = '';
      while (line[at] !== '"') {
        if (at >= line.length) throw new Error(`unterminated label value: ${line}`);
        if (line[at] === '\\') {
          const escaped = line[at + 1];
          value += escaped === 'n' ? '\n' : (escaped ?? '');
          at += 2;
        } else {
          value += line[at];
          at += 1;
        }
      }
      at += 1;
      if (label in labels) throw new Error(`label ${label} twice: ${line}`);
      labels[label] = value;
      if (line[at] === ',') at += 1;
      else if (line[at] !== '}') throw new Error(`expected , or } after a label: ${line}`);
    }
    at += 1;
  }
  const [value, timestamp, ...extra] = line.slice(at).trim().split(' ');
  if (name === '' || value === undefined || extra.length > 0 || (timestamp !== undefined && !Number.isInteger(Number(timestamp)))) throw new Error(`not a sample line: ${line}`);
  return { name, labels, value: numberOf(value) };
}

/** The family a series belongs to: itself, or the histogram or summary it is a part of. */
function familyOf(series: string, families: Map<string, Family>): Family | undefined {
  const own = families.get(series);
  if (own) return own;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!series.endsWith(suffix)) continue;
    const family = families.get(series.slice(0, -suffix.length));
    if (family && (family.type === 'histogram' || (family.type === 'summary' && suffix !== '_bucket'))) return family;
  }
  return undefined;
}

/**
 * Checks the text with Prometheus's own parser (`promtool check metrics`, from the Debian package
 * `prometheus`: CI installs it): it must parse, and the `ma2pinpoint_*` families must pass its
 * lint (prom-client's `nodejs_*` names are not ours to fix). Fails, never skips, without promtool.
 */
export function checkWithPromtool(text: string): void {
  let output = '';
  try {
    execFileSync('promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err: unknown) {
    const { status, stdout, stderr } = err as { status: number | null; stdout?: Buffer; stderr?: Buffer };
    output = `${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`;
    // promtool exits 3 for lint findings only; anything else is a parse failure (or no promtool).
    if (status !== 3) throw new Error(`promtool check metrics failed (${String(status)}): ${output}`);
  }
  const ours = output.split('\n').filter((line) => line.startsWith('ma2pinpoint_'));
  if (ours.length > 0) throw new Error(`promtool lint: ${ours.join('; ')}`);
}

/**
 * Parses a scrape: `promtool` says it is valid exposition format, then every line is read
 * (comments by their words, samples by `readSample`) and the structure checked: every family has
 * `# HELP` and `# TYPE` before its samples, every sample belongs to a family, counters are never
 * negative, and each histogram's buckets are cumulative up to `+Inf`, which equals its count.
 */
export function parseExposition(text: string): Scrape {
  checkWithPromtool(text);
  const families = new Map<string, Family>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const [, keyword, name = '', ...rest] = line.split(' ');
      if (keyword !== 'HELP' && keyword !== 'TYPE') continue;
      const family = families.get(name) ?? { name, type: '', help: '', samples: [] };
      if (keyword === 'HELP') family.help = rest.join(' ');
      else family.type = rest.join(' ');
      families.set(name, family);
      continue;
    }
    const sample = readSample(line);
    const family = familyOf(sample.name, families);
    if (!family || family.help === '' || family.type === '') throw new Error(`${sample.name} has no # HELP and # TYPE before it`);
    if (family.type === 'counter' && sample.value < 0) throw new Error(`${sample.name} is a negative counter`);
    family.samples.push(sample);
  }
  for (const family of families.values()) {
    if (family.type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const sample of family.samples.filter((s) => s.name === `${family.name}_bucket`)) {
      const { le: _le, ...others } = sample.labels;
      const key = JSON.stringify(Object.entries(others).sort());
      series.set(key, [...(series.get(key) ?? []), sample]);
    }
    for (const [key, buckets] of series) {
      buckets.sort((a, b) => numberOf(a.labels['le'] ?? '') - numberOf(b.labels['le'] ?? ''));
      buckets.forEach((bucket, i) => {
        if (i > 0 && bucket.value < buckets[i - 1]!.value) throw new Error(`${family.name}${key}: buckets not cumulative`);
      });
      const labels = Object.fromEntries(JSON.parse(key) as Array<[string, string]>);
      const count = family.samples.find((s) => s.name === `${family.name}_count` && JSON.stringify(Object.entries(s.labels).sort()) === key);
      if (buckets.at(-1)?.labels['le'] !== '+Inf' || buckets.at(-1)?.value !== count?.value) throw new Error(`${family.name}${JSON.stringify(labels)}: +Inf bucket is not the count`);
    }
  }
  return [...families.values()];
}

/** Whether a sample's labels include every label of `labels`. */
function matches(sample: Sample, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([name, value]) => sample.labels[name] === value);
}

/** The sum of the samples of series `name` whose labels include `labels` (0 when there is none, as for a series not yet created). */
export function sampleValue(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  return scrape
    .flatMap((f) => f.samples)
    .filter((s) => s.name === name && matches(s, labels))
    .reduce((sum, s) => sum + s.value, 0);
}

/** The observation count of histogram `name` over the series whose labels include `labels`. */
export function histogramCount(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  return sampleValue(scrape, `${name}_count`, labels);
}

/** `GET /metrics` on an admin port with the token; throws unless it answers 200 in the text format. */
export async function scrapeMetrics(adminUrl: string, token?: string): Promise<Scrape> {
  const response = await fetch(`${adminUrl}/metrics`, token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/plain; version=0.0.4')) throw new Error(`GET /metrics answered ${type}`);
  return parseExposition(await response.text());
}
