// Keeps the last opened model session so consecutive jobs on the same model (the usual case in the editor)
// do not reload it. Keyed by path, content hash and thread count: a re-exported model opens a new session.
import type { LoadedModel } from '../model/modelFiles';
import { ModelSession } from '../model/session';
import { inferenceThreadCount } from './defaults';

export class SessionCache {
  private current: { key: string; session: Promise<ModelSession> } | undefined;

  /** `requestedThreads` 0 = automatic; clamped to the CPUs (see inferenceThreadCount). */
  async open(model: LoadedModel, requestedThreads: number): Promise<ModelSession> {
    const threads = inferenceThreadCount(requestedThreads);
    const key = `${model.onnxPath}\0${model.sha256}\0${threads}`;
    if (this.current?.key !== key) {
      const previous = this.current?.session;
      const session = ModelSession.open(model, threads);
      this.current = { key, session };
      // A failed open must not be cached.
      session.catch(() => {
        if (this.current?.session === session) this.current = undefined;
      });
      if (previous) void previous.then((s) => s.release(), () => undefined);
    }
    return this.current.session;
  }

  async dispose(): Promise<void> {
    const session = this.current?.session;
    this.current = undefined;
    if (session) await session.then((s) => s.release(), () => undefined);
  }
}

/**
 * Runs `work` with the caller's sessions (a long-lived worker keeps its model loaded between jobs), or with a
 * cache of its own that is released when `work` ends, however it ends (the CLI's case).
 */
export async function withSessions<T>(shared: SessionCache | undefined, work: (sessions: SessionCache) => Promise<T>): Promise<T> {
  if (shared) return work(shared);
  const own = new SessionCache();
  try {
    return await work(own);
  } finally {
    await own.dispose();
  }
}
