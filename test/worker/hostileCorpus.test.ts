// The hostile-input corpus (test/fixtures/make_hostile_corpus.py, generated into a temp folder) through the CLI:
// every valid image gets a same-size, single-channel label in its stored pixel grid; every broken entry gets one
// line with its reason; the exit status is 1 (some failed); no stack trace, no temp file; peak memory printed.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { terminalSafe } from '../../src/cli/terminalText';
import { useTempDir } from '../unit/tempDir';
import { labelFolderEntries, readLabel } from './testImages';
import { cliScript, fixtures, requireBuild, sigmoidModel } from './workerSetup';

interface Manifest {
  readonly valid: Record<string, { width: number; height: number; disc: [number, number]; away: [number, number] }>;
  readonly broken: Record<string, string>;
}

/** Loaded with --require: writes the process's peak resident memory (kB) where the test can read it. */
const PEAK_RSS_HOOK = `process.on('exit', () => require('fs').writeFileSync(process.env.SEGNETR_PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)));`;

describe('hostile and awkward input (generated corpus, through the CLI)', function () {
  this.timeout(120_000);
  const tmp = useTempDir('hostile');
  before(requireBuild);

  it('labels every valid image in its stored grid, refuses every broken one in one actionable line, leaves nothing behind', () => {
    const made = spawnSync('/usr/bin/python3', [path.join(fixtures, 'make_hostile_corpus.py'), tmp.path], { encoding: 'utf8' });
    assert.equal(made.status, 0, `the corpus generator needs Debian's python3-pil and numpy: ${made.stderr}`);
    const manifest = JSON.parse(readFileSync(path.join(tmp.path, 'manifest.json'), 'utf8')) as Manifest;
    const images = path.join(tmp.path, 'images');
    const masks = path.join(tmp.path, 'masks');
    const hook = path.join(tmp.path, 'peak-rss.js');
    const peakFile = path.join(tmp.path, 'peak-rss.txt');
    writeFileSync(hook, PEAK_RSS_HOOK);

    const run = spawnSync(process.execPath, ['--require', hook, cliScript, 'prelabel', images, '--out', masks, '--model', sigmoidModel, '--threads', '2'], {
      encoding: 'utf8',
      env: { ...process.env, SEGNETR_PEAK_RSS_FILE: peakFile },
      timeout: 110_000,
    });
    const validCount = Object.keys(manifest.valid).length;
    const brokenCount = Object.keys(manifest.broken).length;
    const peakMb = Number(readFileSync(peakFile, 'utf8')) / 1024;
    console.log(`      hostile corpus: ${validCount} valid, ${brokenCount} broken; CLI peak RSS ${peakMb.toFixed(0)} MB`);

    assert.equal(run.status, 1, `exit status 1 = some images failed\n${run.stderr}`);
    assert.doesNotMatch(run.stderr, /internal error|\n\s+at |Error:/, 'no stack trace, no raw error');
    assert.match(run.stdout, new RegExp(`^Done: ${validCount} written, 0 skipped \\(label exists\\), ${brokenCount} failed of ${validCount + brokenCount} in `));

    // Broken: exactly one line each, file name escaped for the terminal, reason as the manifest says.
    const lines = run.stderr.trimEnd().split('\n');
    assert.equal(lines.length, brokenCount, run.stderr);
    for (const [name, reason] of Object.entries(manifest.broken)) {
      const prefix = `${terminalSafe(path.join(images, name))}: `;
      const line = lines.find((l) => l.startsWith(prefix));
      assert.ok(line, `no line for ${JSON.stringify(name)}`);
      assert.match(line.slice(prefix.length), new RegExp(reason), JSON.stringify(name));
      assert.equal(existsSync(path.join(masks, `${path.parse(name).name}.png`)), false, `${JSON.stringify(name)} got a label`);
    }

    // Valid: a single-channel 8-bit label of the stored size, the dark disc where the file stores it.
    for (const [name, want] of Object.entries(manifest.valid)) {
      const label = readLabel(path.join(masks, `${path.parse(name).name}.png`));
      assert.deepEqual([label.width, label.height, label.bitDepth, label.colorType], [want.width, want.height, 8, 0], JSON.stringify(name));
      assert.equal(label.values[want.disc[1] * want.width + want.disc[0]], 1, `${JSON.stringify(name)}: disc centre`);
      assert.equal(label.values[want.away[1] * want.width + want.away[0]], 0, `${JSON.stringify(name)}: the mirrored position`);
    }

    // Nothing else in the labels folder (beside the prediction records): no temp file, no stray output.
    const records = path.join(masks, '.segnetr', 'predictions');
    assert.deepEqual(readdirSync(records).filter((n) => n.startsWith('.')), [], 'no temp file among the prediction records');
    assert.deepEqual(labelFolderEntries(masks).sort(), Object.keys(manifest.valid).map((name) => `${path.parse(name).name}.png`).sort());
    // Reading /dev/zero or the 1.9 GB file whole would take gigabytes; the whole corpus stays far below that.
    assert.ok(peakMb < 600, `peak RSS ${peakMb.toFixed(0)} MB`);
  });
});
