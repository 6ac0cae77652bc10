import { readFileSync } from 'node:fs';
import path from 'node:path';

/** `package.json`: two folders up from this file both in `src/metrics/` (tests) and `dist/metrics/` (the built service and the image). */
const PACKAGE_JSON = path.resolve(__dirname, '..', '..', 'package.json');

/** The service's version, from `package.json`, as `/status` and `ma2pinpoint_build_info` report it. */
export function readPackageVersion(): string {
  const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}
