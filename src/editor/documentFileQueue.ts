// One mask document's file work (save, Save As, revert, reload after a change on disk) runs one piece at a time,
// in arrival order: two saves never interleave their writes, and a reload never lands in the middle of a save
// (its own write then reads as "our save", not as a change by someone else).
//
// A save that VS Code waits for must leave on disk the mask at VS Code's undo position when the save resolves:
// VS Code sets its save point there (MainThreadCustomEditorModel.saveCustomEditor), so an edit it heard of but the
// file lacks would count as saved, and closing the editor would lose it. Edits made while the file is written are
// announced at once (so VS Code's undo stack stays the document's) and the save writes again (saveMask). Once the
// file holds the current mask, the save holds announcements back (`HeldAnnouncements.hold`) until VS Code has
// taken its answer: announced afterwards, an edit moves VS Code past the save point: dirty, as the document is.
// No `vscode` here: the caller says how to wait for VS Code (`caughtUp`).

/** What a save VS Code waits for gets from the queue (see runSave). */
export interface HeldAnnouncements {
  /** How many edits the document has that VS Code has not been told about yet (always its newest). */
  readonly count: () => number;
  /** From now until VS Code has the save's answer, edits are announced only afterwards. */
  readonly hold: () => void;
}

/**
 * The longest a save waits for `caughtUp`: the document's later saves and reverts queue behind it, so a workbench
 * that never answers must not stop them for good. An answer comes in milliseconds; past this, held edits are
 * announced anyway.
 */
export const MAX_CAUGHT_UP_WAIT_MS = 10_000;

export class DocumentFileQueue {
  private tail: Promise<void> = Promise.resolve();
  /** Announcements held back by the VS Code save running now; undefined when none are being held. */
  private held: (() => void)[] | undefined;

  /** How many edits the document has that VS Code has not been told about yet. */
  get unannounced(): number {
    return this.held?.length ?? 0;
  }

  /** Runs `work` after everything queued before it; its result or error is the caller's. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /**
   * Runs a save VS Code waits for (after everything queued before it). `work` calls `hold` the moment the file
   * holds the mask VS Code will call saved; edits from then on are announced once `caughtUp` resolves (VS Code has
   * read the result), before the next queued work starts. Edits right after the result are held too: VS Code may
   * read an edit that follows the result closely before it sets the save point (a few promise callbacks after the
   * result arrives), and would then count the edit as saved.
   */
  runSave<T>(work: (held: HeldAnnouncements) => Promise<T>, caughtUp: () => Promise<void>, maxWaitMs = MAX_CAUGHT_UP_WAIT_MS): Promise<T> {
    const held: HeldAnnouncements = { count: () => this.unannounced, hold: () => void (this.held ??= []) };
    return new Promise<T>((resolve, reject) => {
      this.tail = this.tail.then(async () => {
        try {
          const result = await work(held);
          held.hold(); // no-op when work held already, in the turn it checked the file
          resolve(result);
        } catch (error) {
          held.hold();
          reject(error);
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
          await Promise.race([caughtUp(), new Promise<void>((resolve) => (timer = setTimeout(resolve, maxWaitMs)))]);
        } finally {
          clearTimeout(timer);
          const announcements = this.held ?? [];
          this.held = undefined;
          for (const announce of announcements) announce();
        }
      }).catch(() => undefined);
    });
  }

  /** Tells VS Code about an edit now, or once the save running now has been answered. */
  announce(tell: () => void): void {
    if (this.held) this.held.push(tell);
    else tell();
  }
}
