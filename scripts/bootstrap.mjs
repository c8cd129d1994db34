// Runs before `npm start` and `npm test`: makes a fresh clone work with just those two commands.
// 1. Debian packages the tests and code-server need (installed when root, otherwise the exact command is printed).
// 2. node_modules in step with package-lock.json (`npm ci` when the lock changed since the last install).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(root, 'node_modules', '.segnetr-lock-sha256');

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`bootstrap: \`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

if (process.env.SEGNETR_SKIP_SYSTEM_DEPS !== '1' && existsSync(join(root, 'scripts', 'system-deps.sh'))) {
  run('bash', [join(root, 'scripts', 'system-deps.sh')]);
}

const lockHash = createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');
const installed = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
if (installed !== lockHash) {
  console.log('bootstrap: installing npm dependencies (npm ci)...');
  // The CPU runtime is inside onnxruntime-node; its postinstall would try to download CUDA libraries.
  run('npm', ['ci', '--no-audit', '--no-fund'], { ONNXRUNTIME_NODE_INSTALL: 'skip' });
  writeFileSync(stampFile, lockHash + '\n');
}
