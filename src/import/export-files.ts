import { readdir, stat } from 'node:fs/promises';
import { describeErrno, describeError, errorCode } from '../storage-error';
import path from 'node:path';

/** A file to import, and its size on disk (for progress). */
export interface ExportFile {
  readonly path: string;
  readonly bytes: number;
}

/** A path given to import that could not be listed or read. */
export interface PathProblem {
  readonly path: string;
  readonly reason: string;
}

function describe(err: unknown): string {
  return errorCode(err) === 'ENOENT' ? describeErrno(err as NodeJS.ErrnoException) : describeError(err);
}

/**
 * The files to import from the given paths, in order: a file as given; a directory walked
 * recursively, each directory's entries sorted by name (Firehose's `YYYY/MM/DD/HH/` prefixes and
 * timestamped object names then come in time order), hidden entries (`.` names) skipped. A file
 * reached twice is listed once. Paths that cannot be read are returned as problems.
 */
export async function listExportFiles(paths: readonly string[]): Promise<{ files: ExportFile[]; problems: PathProblem[] }> {
  const files: ExportFile[] = [];
  const problems: PathProblem[] = [];
  const seen = new Set<string>();
  const visit = async (target: string, given: boolean): Promise<void> => {
    let info;
    try {
      info = await stat(target);
    } catch (err: unknown) {
      problems.push({ path: target, reason: describe(err) });
      return;
    }
    if (info.isDirectory()) {
      let names: string[];
      try {
        names = await readdir(target);
      } catch (err: unknown) {
        problems.push({ path: target, reason: describe(err) });
        return;
      }
      for (const name of names.filter((n) => !n.startsWith('.')).sort()) await visit(path.join(target, name), false);
      return;
    }
    // Sockets, devices and the like found while walking are not exports; a path given is read as asked.
    if (!info.isFile() && !given) return;
    const resolved = path.resolve(target);
    if (seen.has(resolved)) return;
    seen.add(resolved);
    files.push({ path: target, bytes: info.size });
  };
  for (const given of paths) await visit(given, true);
  return { files, problems };
}
