// One mask document's file work (save, Save As, revert, reload after a change on disk) runs one piece at a time,
// in arrival order: two saves never interleave their writes, and a reload never lands in the middle of a save
// (its own write then reads as "our save", not as a change by someone else).
//
// While a save that VS Code waits for runs, edits are applied to the document at once but announced to VS Code
// only after VS Code has taken the save's answer. The reason is VS Code's: it sets its save point to its undo
// position at the moment the save resolves (MainThreadCustomEditorModel.saveCustomEditor), so an edit it heard
// of during the save would count as saved although the file lacks it, and closing the editor would lose it.
// Announced afterwards, the edit moves VS Code past the save point: dirty, as the document is.
// No `vscode` here: the caller says how to wait for VS Code (`caughtUp`).

export class DocumentFileQueue {
  private tail: Promise<void> = Promise.resolve();
  /** Announcements held back by the VS Code save running now; undefined when none runs. */
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
   * Runs a save VS Code waits for (after everything queued before it). Its result goes to the caller first;
   * the announcements held meanwhile are made once `caughtUp` resolves (VS Code has read that result), before
   * the next queued work starts. Edits made between the result and `caughtUp` are held too, even when nothing
   * else was: VS Code may read an edit that follows the result closely before it sets the save point (its save
   * point is set a few promise callbacks after the result arrives), and would then count the edit as saved.
   */
  runSave<T>(work: () => Promise<T>, caughtUp: () => Promise<void>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.tail = this.tail.then(async () => {
        this.held = [];
        try {
          resolve(await work());
        } catch (error) {
          reject(error);
        }
        try {
          await caughtUp();
        } finally {
          const held = this.held;
          this.held = undefined;
          for (const announce of held) announce();
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
