import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root';

const PACKAGE_JSON = path.join(PACKAGE_ROOT, 'package.json');

/** The service's version, from `package.json`, as `/status` and `ma2pinpoint_build_info` report it. */
export function readPackageVersion(): string {
  const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}
