import path from 'node:path';

/**
 * The package's root folder, where `package.json`, `schemas/` and `web/` are: one folder up from
 * this file both in `src/` (ts-jest) and in `dist/` (the built service, the image).
 */
export const PACKAGE_ROOT = path.resolve(__dirname, '..');
