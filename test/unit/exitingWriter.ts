// Child process of the atomic-write tests: starts a large label write, then is told to exit in the same turn (as
// the worker is when its host goes away), and tries one more write after that.
import { exitAfterWritesSettle, writeFileAtomic } from '../../src/core/atomicWrite';

const [target, late, size] = process.argv.slice(2) as [string, string, string];
void writeFileAtomic(target, Buffer.alloc(Number(size), 7));
exitAfterWritesSettle(3);
writeFileAtomic(late, Buffer.from('late')).then(
  () => process.stdout.write('late write: written\n'),
  (error: Error) => process.stdout.write(`late write: ${error.message}\n`),
);
