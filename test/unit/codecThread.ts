// The real label codec thread for unit tests: src/worker/labelCodecThread.ts bundled once per test file, run by the
// extension's own client.
import * as path from 'node:path';
import { LabelCodecThread } from '../../src/worker/labelCodecClient';
import { bundleScript } from './bundleScript';

/** A fresh client of the codec thread; dispose it after the test. */
export async function codecThread(): Promise<LabelCodecThread> {
  return new LabelCodecThread({ script: await bundleScript(path.join('src', 'worker', 'labelCodecThread.ts'), 'labelCodec.js') });
}
