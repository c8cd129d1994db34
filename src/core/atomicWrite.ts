// Label files are written to a temp file in the same folder and renamed into place, so a reader (or a crash)
// only ever sees no file or a complete one. Temp names are short and follow one pattern,
//   .segnetr-tmp.<host tag>.<pid>.<random>
// (about 40 bytes whatever the label's name, so a label whose name fits the file system always has a temp
// name that fits too), so leftovers of a killed process can be found and removed: by this process when it
// exits mid-write, by the client right after its worker died (by pid), and by the next job (any process of
// this host that is gone, or anything older than an hour).
import { createHash, randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { access, chmod, link, open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';

const TEMP_PREFIX = '.segnetr-tmp.';
const TEMP_NAME = /^\.segnetr-tmp\.([A-Za-z0-9_-]*)\.(\d+)\.[0-9a-f]+/;
const STALE_AFTER_MS = 60 * 60 * 1000;

/** Eight hex digits naming this machine: host names can be 64 bytes and more. */
const thisHost = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** Writes in progress, by temp file: exitAfterWritesSettle waits for the writes, the exit hook removes the files. */
interface WriteRegistry {
  readonly inFlight: Map<string, Promise<unknown>>;
  exiting: boolean;
}

// One registry and one exit hook per process, even when several bundles each carry a copy of this module (the
// test layers load one bundle per test file): the process exits once, and every write must be waited for and
// cleaned up, whichever copy started it.
const REGISTRY_KEY = Symbol.for('segnetr.atomicWrite.registry');
const registry = processRegistry();

function processRegistry(): WriteRegistry {
  const holder = globalThis as typeof globalThis & { [REGISTRY_KEY]?: WriteRegistry };
  const existing = holder[REGISTRY_KEY];
  if (existing) return existing;
  const created: WriteRegistry = { inFlight: new Map(), exiting: false };
  holder[REGISTRY_KEY] = created;
  // Last resort for an exit that did not wait (an uncaught error) or a write that outlived the wait: remove the
  // temp files. A write whose open is still in libuv's thread pool can create its file after this ran, which is
  // why exits we choose go through exitAfterWritesSettle.
  process.on('exit', () => {
    for (const file of created.inFlight.keys()) {
      try {
        unlinkSync(file);
      } catch {
        // already renamed into place or removed
      }
    }
  });
  return created;
}

export function isTempFileName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** The temp name a process of this host uses (exported for tests that stage a crashed writer's leftovers). */
export function tempFileName(pid: number, unique: string = randomBytes(4).toString('hex')): string {
  return `${TEMP_PREFIX}${thisHost}.${pid}.${unique}`;
}

export interface AtomicWriteOptions {
  /**
   * false: an existing file is never replaced, even one created a moment ago (a person saving a label while the
   * job runs): the temp file is hard-linked into place, which fails if the name is taken.
   */
  readonly replace: boolean;
  /**
   * The file's bytes reach the disk before it takes the name, and the folder's new entry right after (fsync), so
   * that a power cut or a kernel crash leaves the old file or the new one, never an empty one (ext4 without
   * auto_da_alloc, XFS, btrfs can). For what a person made (a saved label, a review decision); a pre-label job's
   * labels, which a rerun makes again, skip the cost.
   */
  readonly durable?: boolean;
}

/** Writes `data` to `finalPath` through a temp file; 'exists' when `replace: false` found the name taken. */
export async function writeFileAtomic(finalPath: string, data: Uint8Array, options: AtomicWriteOptions = { replace: true }): Promise<'written' | 'exists'> {
  if (registry.exiting) throw new Error(`Not writing ${finalPath}: SegNetr is exiting.`);
  const tempPath = path.join(path.dirname(finalPath), tempFileName(process.pid));
  const write = writeThroughTempFile(tempPath, finalPath, data, options);
  registry.inFlight.set(tempPath, write);
  try {
    return await write;
  } finally {
    registry.inFlight.delete(tempPath);
  }
}

/**
 * Exits with `code` once the writes in progress have finished (each leaves a complete file or none), waiting at
 * most `maxWaitMs`; no new write starts meanwhile. For a worker whose host went away and for a job stopped by a
 * signal: exiting at once would race the writes' file operations in libuv's thread pool against the exit hook.
 */
export function exitAfterWritesSettle(code: number, maxWaitMs = 2000): void {
  registry.exiting = true;
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, maxWaitMs));
  void Promise.race([Promise.allSettled([...registry.inFlight.values()]), timeout]).then(() => process.exit(code));
}

async function writeThroughTempFile(tempPath: string, finalPath: string, data: Uint8Array, options: AtomicWriteOptions): Promise<'written' | 'exists'> {
  try {
    if (options.durable) await writeAndSync(tempPath, data);
    else await writeFile(tempPath, data, { flag: 'wx' });
    let outcome: 'written' | 'exists' = 'written';
    if (options.replace) {
      await keepPermissions(finalPath, tempPath);
      await rename(tempPath, finalPath);
    } else {
      outcome = await linkWithoutReplacing(tempPath, finalPath);
    }
    if (options.durable && outcome === 'written') await syncFolder(path.dirname(finalPath));
    return outcome;
  } catch (error) {
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
}

async function writeAndSync(file: string, data: Uint8Array): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes a folder's entries durable. Best effort: the file's bytes are on disk already, and some systems cannot
 * open or sync a folder (Windows, some network file systems); the rename then reaches the disk in its own time.
 */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * A file replaced keeps its permission bits (a labels folder shared by a group stays group-writable); the new
 * file is still the writer's. A missing file, or one we cannot read the mode of, leaves the temp file's (umask).
 */
async function keepPermissions(finalPath: string, tempPath: string): Promise<void> {
  const old = await stat(finalPath).catch(() => undefined);
  if (old?.isFile()) await chmod(tempPath, old.mode & 0o7777).catch(() => undefined);
}

async function linkWithoutReplacing(tempPath: string, finalPath: string): Promise<'written' | 'exists'> {
  try {
    await link(tempPath, finalPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      await unlink(tempPath);
      return 'exists';
    }
    // File systems without hard links (FAT, some network shares): check, then rename (a tiny race remains).
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    if (await access(finalPath).then(() => true, () => false)) {
      await unlink(tempPath);
      return 'exists';
    }
    await rename(tempPath, finalPath);
    return 'written';
  }
  await unlink(tempPath);
  return 'written';
}

/** Thrown by writeFilesAtomically: which file could not be written, and why (the cause). */
export class FileSetWriteError extends Error {
  override readonly name = 'FileSetWriteError';
  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    super(`cannot write ${file}`, { cause });
  }
}

/**
 * Writes several files that belong together (a report's JSON, CSV, Markdown and chart) so that a failure leaves
 * the earlier set as it was: every file is written to its temp file first, and only once all are written are they
 * renamed into place, one after another (a rename in the same folder does not run out of space). A target that is
 * a folder or another non-file is refused before anything is written.
 */
export async function writeFilesAtomically(files: readonly { readonly path: string; readonly data: Uint8Array }[]): Promise<void> {
  if (registry.exiting) throw new Error(`Not writing ${files[0]?.path ?? 'files'}: SegNetr is exiting.`);
  for (const { path: file } of files) {
    const kind = await stat(file).then((s) => (s.isFile() ? 'file' : 'other'), () => 'none');
    if (kind === 'other') throw new FileSetWriteError(file, Object.assign(new Error('it is a folder or another non-file'), { code: 'EISDIR' }));
  }
  const temps = files.map(({ path: file }) => path.join(path.dirname(file), tempFileName(process.pid)));
  const work = (async () => {
    try {
      for (const [i, { path: file, data }] of files.entries()) {
        try {
          await writeFile(temps[i]!, data, { flag: 'wx' });
        } catch (error) {
          throw new FileSetWriteError(file, error);
        }
      }
      for (const [i, { path: file }] of files.entries()) {
        try {
          await keepPermissions(file, temps[i]!);
          await rename(temps[i]!, file);
        } catch (error) {
          throw new FileSetWriteError(file, error);
        }
      }
    } finally {
      await Promise.all(temps.map((temp) => unlink(temp).catch(() => undefined))); // those not renamed
    }
  })();
  for (const temp of temps) registry.inFlight.set(temp, work);
  try {
    await work;
  } finally {
    for (const temp of temps) registry.inFlight.delete(temp);
  }
}

export type TempFileSelection = { readonly pid: number } | { readonly abandoned: true };

/**
 * Removes temp files in `dir`: those of one (dead) process of this host, or all that look abandoned (their
 * process on this host is gone, or they are over an hour old: another machine's shard may still be writing
 * a fresh one). Returns how many were removed; a missing folder has none.
 */
export async function removeTempFiles(dir: string, which: TempFileSelection): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (!match) continue;
    const host = match[1]!;
    const pid = Number(match[2]);
    const full = path.join(dir, name);
    const remove = 'pid' in which ? host === thisHost && pid === which.pid : await looksAbandoned(full, host, pid);
    if (remove && (await unlink(full).then(() => true, () => false))) removed++;
  }
  return removed;
}

async function looksAbandoned(file: string, host: string, pid: number): Promise<boolean> {
  if (host === thisHost && pid !== process.pid && !processIsAlive(pid)) return true;
  try {
    return Date.now() - (await stat(file)).mtimeMs > STALE_AFTER_MS;
  } catch {
    return false;
  }
}

/** Whether a process of this host with that id exists (EPERM: it does, but belongs to someone else). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
