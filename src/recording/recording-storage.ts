import { mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';

/** One recording file open for appending. */
export interface RecordingFile {
  /** Appends all of `data`; rejects with the system error (ENOSPC, EIO…) when it cannot. */
  append(data: Buffer): Promise<void>;
  /** Cuts the file back to `bytes`: a failed append may have left part of a line behind. */
  truncate(bytes: number): Promise<void>;
  /** Whether the file was removed from its directory since it was created: appends would go nowhere. */
  removed(): Promise<boolean>;
  close(): Promise<void>;
}

/** The file operations the recorder needs; tests put failing or hanging ones in their place. */
export interface RecordingStorage {
  /** Creates the directory and its parents when missing. */
  makeDirectory(dir: string): Promise<void>;
  /** The names of the entries in a directory. */
  list(dir: string): Promise<string[]>;
  /** A file's size in bytes; undefined when it is gone. */
  size(file: string): Promise<number | undefined>;
  /** Removes a file; one already gone is no error. */
  remove(file: string): Promise<void>;
  /** Creates a new file to append to; rejects with EEXIST when the name is taken. */
  create(file: string): Promise<RecordingFile>;
}

/**
 * Recordings hold what devices sent (client ids, events): readable by the service's user and its
 * group only, whatever the umask allows beyond.
 */
const FILE_MODE = 0o640;
const DIRECTORY_MODE = 0o750;

function openedFile(handle: FileHandle): RecordingFile {
  return {
    async append(data) {
      // A write may take fewer bytes than given; the file is opened for appending, so the rest follows.
      for (let offset = 0; offset < data.length; ) {
        const { bytesWritten } = await handle.write(data, offset, data.length - offset);
        offset += bytesWritten;
      }
    },
    truncate: (bytes) => handle.truncate(bytes),
    removed: async () => (await handle.stat()).nlink === 0,
    close: () => handle.close(),
  };
}

/** The recorder's file operations on the real file system (asynchronous: a slow disk never blocks the event loop). */
export const nodeRecordingStorage: RecordingStorage = {
  makeDirectory: async (dir) => {
    await mkdir(dir, { recursive: true, mode: DIRECTORY_MODE });
  },
  list: (dir) => readdir(dir),
  size: async (file) => {
    try {
      return (await stat(file)).size;
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  remove: (file) => rm(file, { force: true }),
  create: async (file) => openedFile(await open(file, 'ax', FILE_MODE)),
};
