// Builds the extension and packages the linux-x64 VSIX (`npm run build`, `npm run package`), for `npm start` and
// the tools that drive the packaged extension (scripts/screenshot-editor.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './code-server.mjs';

function npmRun(script, log) {
  log(`npm run ${script}`);
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm run ${script} failed (exit ${r.status ?? r.signal})`);
}

/** The VSIX `npm run package` just wrote: dist/<name>-<version>-linux-x64.vsix, else the newest .vsix in dist/. */
function findVsix(since) {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const expected = path.join(ROOT, 'dist', `${pkg.name}-${pkg.version}-linux-x64.vsix`);
  if (existsSync(expected) && statSync(expected).mtimeMs >= since) return expected;
  const dist = path.join(ROOT, 'dist');
  const fresh = (existsSync(dist) ? readdirSync(dist) : [])
    .filter((f) => f.endsWith('.vsix'))
    .map((f) => path.join(dist, f))
    .filter((f) => statSync(f).mtimeMs >= since)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!fresh.length) throw new Error('npm run package produced no .vsix in dist/');
  return fresh[0];
}

/** Builds and packages; returns the fresh VSIX's path. */
export function buildAndPackage({ log }) {
  const t0 = Date.now();
  npmRun('build', log);
  npmRun('package', log);
  const vsix = findVsix(t0 - 1000);
  log(`VSIX: ${path.relative(process.cwd(), vsix)}`);
  return vsix;
}
