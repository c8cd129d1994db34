// Every metric of src/eval/metrics.ts against an independent reference: test/reference/metrics_reference.py
// writes seeded cases (random discs and noise at several sizes, empty and full masks, single pixels, thin
// images, multi-class with ignored pixels) and their answers computed with numpy and scipy.ndimage (Debian's
// python3-scipy, installed by scripts/system-deps.sh).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { METRIC_NAMES } from '../../src/common/evaluation';
import { scoreImage, summarize } from '../../src/eval/metrics';
import { useTempDir } from './tempDir';

interface ReferenceCase {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly classes: number;
  readonly pred: number[];
  readonly gt: number[];
  readonly answer: { classes: Record<string, number>[]; image: Record<string, number>; ignored: number };
}

describe('metrics against numpy/scipy (independent reference)', function () {
  this.timeout(120_000);
  const tmp = useTempDir('metrics-ref');

  it('matches every per-class, per-image and summary value to 1e-6', () => {
    const output = path.join(tmp.path, 'answers.json');
    const script = path.join(process.cwd(), 'test', 'reference', 'metrics_reference.py');
    const run = spawnSync('/usr/bin/python3', [script, output], { encoding: 'utf8' });
    assert.equal(run.status, 0, `the reference failed (needs python3-numpy and python3-scipy; scripts/system-deps.sh installs them):\n${run.stderr}`);
    const reference = JSON.parse(readFileSync(output, 'utf8')) as { cases: ReferenceCase[]; summary: Record<string, { mean: number; median: number }> };
    let compared = 0;
    const close = (actual: number, expected: number, what: string): void => {
      assert.ok(Number.isFinite(actual), `${what}: ${actual} is not finite`);
      assert.ok(Math.abs(actual - expected) <= 1e-6, `${what}: ours ${actual}, reference ${expected}`);
      compared++;
    };
    const scored = reference.cases.map((c) => {
      const raster = (values: number[]) => ({ width: c.width, height: c.height, data: Uint8Array.from(values) });
      const ours = scoreImage(raster(c.pred), raster(c.gt), c.classes);
      const ref = c.answer;
      assert.equal(ours.classes.length, ref.classes.length, c.name);
      assert.equal(ours.ignoredPixels, ref.ignored, `${c.name}: ignored pixels`);
      ours.classes.forEach((cm, j) => {
        const r = ref.classes[j]!;
        const what = `${c.name}, class ${cm.classIndex}`;
        close(cm.truePositives, r.tp!, `${what} tp`);
        close(cm.falsePositives, r.fp!, `${what} fp`);
        close(cm.falseNegatives, r.fn!, `${what} fn`);
        close(cm.predictedArea, r.predictedArea!, `${what} predicted area`);
        close(cm.groundTruthArea, r.groundTruthArea!, `${what} ground-truth area`);
        for (const m of METRIC_NAMES) close(cm[m], r[m]!, `${what} ${m}`);
      });
      for (const m of METRIC_NAMES) close(ours[m], ref.image[m]!, `${c.name} image ${m}`);
      return ours;
    });
    const summary = summarize(scored);
    for (const m of METRIC_NAMES) {
      close(summary[m].mean, reference.summary[m]!.mean, `mean ${m}`);
      close(summary[m].median, reference.summary[m]!.median, `median ${m}`);
    }
    // Guard against a vacuous pass: the cases exercise real distances, misses and several classes.
    assert.ok(compared > 500, `only ${compared} values compared`);
    assert.ok(scored.some((s) => s.classes.some((c) => c.empty === 'prediction')));
    assert.ok(scored.some((s) => s.classes.some((c) => c.empty === 'groundTruth')));
    assert.ok(scored.some((s) => s.classes.length === 3 && s.ignoredPixels > 0));
    assert.ok(scored.some((s) => s.hd95 > 5 && s.hd95 < 100 && s.classes.every((c) => c.empty === 'neither')));
  });
});
