// Human review decisions, in one plain, git-friendly file beside the labels: `<labelsDir>/.segnetr/review.tsv`.
// Written by the extension host; a pre-label job writes per-image prediction records instead, so shards on many
// machines do not share a file, and touches review.tsv only to drop the decisions about labels it replaced. One
// row per image, sorted by image file name in code-point order, so a decision is a one-line diff. Every write is
// read-modify-write under a lock file and lands atomically.
import { link, lstat, open, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';
import type { ReviewStatus } from '../common/editorProtocol';
import { processIsAlive, writeFileAtomic } from './atomicWrite';
import { describeFsError } from '../model/errors';
import { fileKind, readRegularFile } from './readRegularFile';
import { STATE_FOLDER, StateFolderError, makeStateFolder } from './stateFolder';

/** One row per image: even a million images stay far below this. */
const MAX_REVIEW_FILE_BYTES = 256 * 1024 * 1024;

const REVIEW_FILE = 'review.tsv';
const HEADER = ['image', 'status', 'model', 'model_sha256', 'time'] as const;
const DECISIONS = ['edited', 'accepted', 'rejected'] as const;

/** A decision a person made; "predicted" is never written here (see effectiveReviewStatus). */
export type HumanDecision = (typeof DECISIONS)[number];

export interface ReviewRecord {
  /** The image's file name (no folder). */
  readonly image: string;
  readonly status: HumanDecision;
  /** The model whose prediction the person reviewed ('-' when none is known). */
  readonly modelId: string;
  readonly modelSha256: string;
  /** ISO 8601 time of the decision. */
  readonly time: string;
}

/** review.tsv cannot be read or written; the message names the file and the problem. */
export class ReviewStateError extends Error {
  override readonly name = 'ReviewStateError';
}

export function reviewFilePath(labelsDir: string): string {
  return path.join(labelsDir, STATE_FOLDER, REVIEW_FILE);
}

/** A person's decision wins; otherwise an image with a prediction record is "predicted"; otherwise unreviewed. */
export function effectiveReviewStatus(decision: HumanDecision | undefined, hasPrediction: boolean): ReviewStatus | undefined {
  return decision ?? (hasPrediction ? 'predicted' : undefined);
}

/** True for decisions that protect a label from being replaced by a later pre-label. */
export function isHumanMadeLabel(status: HumanDecision | undefined): boolean {
  return status === 'edited' || status === 'accepted';
}

/**
 * The decisions that protect labels from a pre-label (edited or accepted), read again only when review.tsv
 * changed (another inode, size or time: every write renames a new file into place). A job asks before each
 * image's write, so a decision made meanwhile counts, without re-reading a large file for every image.
 */
export class ProtectingDecisions {
  private cached: { key: string; records: Map<string, ReviewRecord> } | undefined;

  constructor(private readonly labelsDir: string) {}

  /** Reads review.tsv now (if it changed), so that a file that cannot be read stops a job before it writes. */
  async load(): Promise<void> {
    await this.records();
  }

  async of(imagePath: string): Promise<ReviewRecord | undefined> {
    const record = await this.rowOf(imagePath);
    return record && isHumanMadeLabel(record.status) ? record : undefined;
  }

  /** The image's row whatever the decision (rejected too); undefined when it has none. */
  async rowOf(imagePath: string): Promise<ReviewRecord | undefined> {
    return (await this.records()).get(path.basename(imagePath));
  }

  private async records(): Promise<Map<string, ReviewRecord>> {
    const info = await stat(reviewFilePath(this.labelsDir)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new ReviewStateError(`Cannot read ${reviewFilePath(this.labelsDir)}: ${describeFsError(error)}.`);
    });
    const key = info ? `${info.ino} ${info.size} ${info.mtimeMs}` : 'none';
    if (this.cached?.key !== key) this.cached = { key, records: await readReviewState(this.labelsDir) };
    return this.cached.records;
  }
}

/** The decisions recorded under `labelsDir`, by image file name; empty when there is no review file yet. */
export async function readReviewState(labelsDir: string): Promise<Map<string, ReviewRecord>> {
  const file = reviewFilePath(labelsDir);
  let text: string;
  try {
    text = (await readRegularFile(file, MAX_REVIEW_FILE_BYTES)).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new ReviewStateError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  return new Map(parseReviewTsv(text, file).map((r) => [r.image, r]));
}

/**
 * Records (replaces) one image's decision. Serialised across processes by a lock file next to review.tsv.
 * Returns the image's decision it replaced (undefined: none), for withdrawReview.
 */
export async function recordReview(labelsDir: string, record: ReviewRecord): Promise<ReviewRecord | undefined> {
  checkRecord(record);
  return updateReviewState(labelsDir, putRow(record));
}

/** Puts `record` in as its image's row; returns the row it replaced. */
function putRow(record: ReviewRecord): (records: Map<string, ReviewRecord>) => ReviewRecord | undefined {
  return (records) => {
    const previous = records.get(record.image);
    records.set(record.image, record);
    return previous;
  };
}

/**
 * Takes back `recorded` (what recordReview wrote), putting back the decision it replaced. Does nothing when the
 * image's row is no longer `recorded`: a decision made since then stands.
 */
export async function withdrawReview(labelsDir: string, recorded: ReviewRecord, previous: ReviewRecord | undefined): Promise<void> {
  await updateReviewState(labelsDir, takeBack(recorded, previous));
}

/** Puts `previous` back in place of `recorded`, unless the image's row is no longer `recorded`. */
function takeBack(recorded: ReviewRecord, previous: ReviewRecord | undefined): (records: Map<string, ReviewRecord>) => void {
  return (records) => {
    const now = records.get(recorded.image);
    if (now === undefined || !sameRecord(now, recorded)) return;
    if (previous) records.set(recorded.image, previous);
    else records.delete(recorded.image);
  };
}

/**
 * Drops these rows, each only if it is still the image's row: they were the decisions standing when a job replaced
 * the images' labels (taken under the lock, with the replacement), so they were about the old labels; a decision
 * made since then (a person editing the new label while the job goes on) is another row and stays. No clocks are
 * compared. Returns how many were dropped; review.tsv is not written when none was there.
 */
export async function forgetReviews(labelsDir: string, stale: readonly ReviewRecord[]): Promise<number> {
  if (stale.length === 0) return 0;
  return updateReviewState(labelsDir, (records) => {
    let dropped = 0;
    for (const row of stale) {
      const now = records.get(row.image);
      if (now !== undefined && sameRecord(now, row) && records.delete(row.image)) dropped++;
    }
    return dropped;
  });
}

/**
 * Runs `body` holding review.tsv's lock, which every decision is recorded under: a job that checks a label's
 * decision, replaces the label and takes note of the decision it replaced does it all here, so no decision can be
 * recorded between those steps. `body` must not record decisions itself (the lock is not re-entrant).
 */
export async function whileNoDecisionIsRecorded<T>(labelsDir: string, body: () => Promise<T>): Promise<T> {
  return withReviewLock(reviewFilePath(labelsDir), body);
}

/**
 * Records `record` and runs `write` (the person's label going into place) under one hold of the lock, so that a job
 * replacing the label cannot come between them and take the decision for one about its own label. A write that
 * fails puts the image's earlier decision back. A lock that cannot be had rejects (ReviewStateError) before `write`.
 */
export async function recordWhileWriting(labelsDir: string, record: ReviewRecord, write: () => Promise<void>): Promise<void> {
  checkRecord(record);
  await withReviewLock(reviewFilePath(labelsDir), async () => {
    const previous = await changeReviewState(labelsDir, putRow(record));
    try {
      await write();
    } catch (error) {
      await changeReviewState(labelsDir, takeBack(record, previous)).catch(() => undefined); // the label stays protected: the safe side
      throw error;
    }
  });
}

/**
 * Records `record` only if `stillTrue` holds when checked under the lock (the label on disk is still the one the
 * person decided about); resolves whether it was recorded.
 */
export async function recordReviewIf(labelsDir: string, record: ReviewRecord, stillTrue: () => Promise<boolean>): Promise<boolean> {
  checkRecord(record);
  return withReviewLock(reviewFilePath(labelsDir), async () => {
    if (!(await stillTrue())) return false;
    await changeReviewState(labelsDir, putRow(record));
    return true;
  });
}

function sameRecord(a: ReviewRecord, b: ReviewRecord): boolean {
  return a.status === b.status && a.modelId === b.modelId && a.modelSha256 === b.modelSha256 && a.time === b.time;
}

/** Read-modify-write of review.tsv under its lock; written only when `change` changed the rows. */
async function updateReviewState<T>(labelsDir: string, change: (records: Map<string, ReviewRecord>) => T): Promise<T> {
  return withReviewLock(reviewFilePath(labelsDir), () => changeReviewState(labelsDir, change));
}

/** updateReviewState's body, for a caller that holds the lock already. */
async function changeReviewState<T>(labelsDir: string, change: (records: Map<string, ReviewRecord>) => T): Promise<T> {
  const records = await readReviewState(labelsDir);
  const before = formatReviewTsv([...records.values()]);
  const result = change(records);
  const after = formatReviewTsv([...records.values()]);
  if (after !== before) await writeFileAtomic(reviewFilePath(labelsDir), Buffer.from(after, 'utf8'), { replace: true, durable: true });
  return result;
}

export function formatReviewTsv(records: readonly ReviewRecord[]): string {
  const sorted = [...records].sort((a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : 0));
  const rows = sorted.map((r) => [r.image, r.status, r.modelId, r.modelSha256, r.time].map(escapeField).join('\t'));
  return [HEADER.join('\t'), ...rows].join('\n') + '\n';
}

/** Strict: a malformed file is reported (file and line) rather than silently rewritten without its rows. */
export function parseReviewTsv(text: string, file: string): ReviewRecord[] {
  // A byte-order mark is what Excel and Notepad put in front when the file is saved by hand; it is not the header's.
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const header = lines[0]?.replace(/\r$/, '');
  if (header !== HEADER.join('\t')) {
    throw new ReviewStateError(`${file}: line 1 must be the header "${HEADER.join(' <tab> ')}"; found ${JSON.stringify(header ?? '')}.`);
  }
  const seen = new Set<string>();
  return lines.slice(1).map((line, i) => {
    const where = `${file}: line ${i + 2}`;
    const fields = line.replace(/\r$/, '').split('\t').map(unescapeField);
    if (fields.length !== HEADER.length) throw new ReviewStateError(`${where}: expected ${HEADER.length} tab-separated fields, found ${fields.length}.`);
    const [image, status, modelId, modelSha256, time] = fields as [string, string, string, string, string];
    if (!isDecision(status)) throw new ReviewStateError(`${where}: status "${status}" is not one of ${DECISIONS.join(', ')}.`);
    if (image === '') throw new ReviewStateError(`${where}: empty image name.`);
    if (seen.has(image)) throw new ReviewStateError(`${where}: ${image} is listed twice.`);
    seen.add(image);
    return { image, status, modelId, modelSha256, time };
  });
}

function isDecision(value: string): value is HumanDecision {
  return (DECISIONS as readonly string[]).includes(value);
}

function checkRecord(record: ReviewRecord): void {
  if (record.image === '' || record.image.includes('/') || record.image.includes('\\')) {
    throw new ReviewStateError(`Invalid image name for review.tsv: ${JSON.stringify(record.image)} (a file name, no folder).`);
  }
  if (!isDecision(record.status)) throw new ReviewStateError(`Invalid review status ${JSON.stringify(record.status)}.`);
}

// File names may hold tabs or newlines; a backslash escape keeps one row per line.
function escapeField(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

function unescapeField(value: string): string {
  return value.replace(/\\([\\tnr])/g, (_, c: string) => (c === '\\' ? '\\' : c === 't' ? '\t' : c === 'n' ? '\n' : '\r'));
}

// ---- the lock -------------------------------------------------------------------------------------------------

/** A lock older than this is a leftover of a crashed writer (a write takes milliseconds). */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 10_000;
const LOCK_RETRY_MS = 20;

async function withReviewLock<T>(reviewFile: string, body: () => Promise<T>): Promise<T> {
  const lockPath = `${reviewFile}.lock`;
  try {
    await makeStateFolder(path.dirname(path.dirname(reviewFile)));
  } catch (error) {
    throw error instanceof StateFolderError ? new ReviewStateError(error.message) : error;
  }
  await acquireLock(lockPath);
  try {
    return await body();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function acquireLock(lockPath: string): Promise<void> {
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(`${hostname()} ${process.pid} ${new Date().toISOString()}\n`);
      await handle.close();
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new ReviewStateError(`Cannot create the lock ${lockPath}: ${describeFsError(error)}.`);
    }
    if (await removeIfStale(lockPath)) continue;
    if (Date.now() > until) {
      throw new ReviewStateError(`${lockPath} has been held for over ${LOCK_WAIT_MS / 1000} s by another SegNetr window or job. Try again.`);
    }
    await new Promise((r) => setTimeout(r, LOCK_RETRY_MS));
  }
}

/** Our lock files hold one short line; anything bigger was not written by SegNetr. */
const MAX_LOCK_FILE_BYTES = 4096;

/**
 * A lock whose writer on this host is gone, or that is older than STALE_LOCK_MS, is removed. A lock that is not
 * a small regular file (a named pipe, a link to /dev/zero) was not made by SegNetr: reading it could hang or
 * fill memory, and removing it is not ours to do, so the write stops with a message naming it.
 */
async function removeIfStale(lockPath: string): Promise<boolean> {
  let info;
  try {
    info = await lstat(lockPath);
  } catch {
    return false; // released meanwhile: retry the open
  }
  if (!info.isFile() || info.size > MAX_LOCK_FILE_BYTES) {
    const what = info.isSymbolicLink() ? 'a symbolic link' : info.isFile() ? `a ${info.size}-byte file` : fileKind(info);
    throw new ReviewStateError(`${lockPath} is ${what}, not a lock SegNetr wrote. Remove it and try again.`);
  }
  let stale = false;
  try {
    const [owner, pidText] = (await readRegularFile(lockPath, MAX_LOCK_FILE_BYTES)).toString('utf8').split(' ');
    const pid = Number(pidText);
    if (owner === hostname() && Number.isInteger(pid) && pid !== process.pid && !processIsAlive(pid)) stale = true;
    else stale = Date.now() - (await stat(lockPath)).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false; // released meanwhile (or half-written): retry the open
  }
  return stale && removeStaleLock(lockPath, info.ino);
}

/**
 * Removes the lock judged stale, and only that file: two writers waiting on one stale lock would otherwise both
 * unlink "it", the second removing the fresh lock the first made meanwhile, and both would write. The lock is
 * renamed away first (atomic), then removed if it is the file judged stale, else put back. Exported for tests.
 */
export async function removeStaleLock(lockPath: string, staleIno: number): Promise<boolean> {
  const claimed = `${lockPath}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await rename(lockPath, claimed);
  } catch {
    return false; // released or removed meanwhile: retry the open
  }
  const moved = await lstat(claimed).catch(() => undefined);
  if (moved?.ino === staleIno) {
    await unlink(claimed).catch(() => undefined);
    return true;
  }
  // A fresh lock, taken after the check: give it back (the link fails only if yet another writer holds the name).
  await link(claimed, lockPath).catch(() => undefined);
  await unlink(claimed).catch(() => undefined);
  return false;
}
