import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPORT_FILES, evaluationJson, writeEvaluationReports } from '../../src/core/evaluationReport';
import { ReportError, parseEvaluationReport, readEvaluationReport } from '../../src/core/readEvaluationReport';
import { checkReportFolder, reportFolderFor } from '../../src/core/reportFolder';
import { orderByUncertainty, scoresFromRanking, scoresFromReport } from '../../src/core/uncertaintyOrder';
import { failureViewData } from '../../src/views/failureViewData';
import { isFailureMessageError, parseFailureViewMessage } from '../../src/views/validateFailureMessage';
import { DEFAULT_QUERY, type TableQuery, parseDiceBelow, sanitizeQuery, sortedBy, summaryValues, visibleRows } from '../../src/webview/failures/table';
import { image, report } from './evaluationFixtures';
import { useTempDir } from './tempDir';

const names = (rows: readonly { name: string }[]): string[] => rows.map((r) => r.name);

describe('failure view', () => {
  // Dice: a 1, b 0 (miss), c 0.8, d 0.5 (label file: no uncertainty), e 1 (both empty).
  const binary = {
    ...report([
      image('a.png', [1, 1, 0, 0], [1, 1, 0, 0], 0.1),
      image('b.png', [0, 0, 0, 0], [0, 1, 1, 0], 0.9),
      image('c.png', [1, 1, 1, 0], [0, 1, 1, 0], 0.4),
      { ...image('d.png', [1, 0, 0, 0], [1, 1, 1, 0]), prediction: 'file', predictionFile: '/data/pred/d.png' },
      image('e.png', [0, 0, 0, 0], [0, 0, 0, 0], 0),
    ]),
    predDir: '/data/pred',
  };
  const data = failureViewData(binary, '/data/images-evaluation/evaluation.json', (p) => `~${p}`);

  it('sends names and numbers, never paths; indexes name the report\'s images', () => {
    assert.deepEqual(names(data.rows), ['a.png', 'b.png', 'c.png', 'd.png', 'e.png']);
    assert.deepEqual(data.rows.map((r) => r.index), [0, 1, 2, 3, 4]);
    assert.equal(data.imagesDir, '~/data/images');
    assert.deepEqual(data.failed, [{ name: 'broken.png', reason: 'empty file (0 bytes)' }]);
    assert.equal(data.rows[3]!.uncertainty, undefined);
    assert.ok(!JSON.stringify(data.rows).includes('/data/'), 'no path in the rows');
    assert.deepEqual([data.cancelled, data.stopped], [false, undefined]);
    const stopped = failureViewData({ ...report([]), cancelled: true, stopped: 'the inference worker stopped on two images in a row' }, '/r.json', (p) => p);
    assert.deepEqual([stopped.cancelled, stopped.stopped], [true, 'the inference worker stopped on two images in a row']);
  });

  it("marks rows whose ground truth a model made, and says what the rest score; such a report reads back", async () => {
    const own = { id: 'segnetr', sha256: binary.model.sha256 };
    const other = { id: 'older', sha256: 'f'.repeat(64) };
    const made = {
      ...binary,
      notes: ['Cannot read /data/masks/.segnetr/review.tsv: denied.'],
      images: binary.images.map((i, n) => (n === 0 ? { ...i, groundTruthOrigin: { status: 'predicted' as const, model: own } } : n === 1 ? { ...i, groundTruthOrigin: { status: 'edited' as const, model: own } } : n === 2 ? { ...i, groundTruthOrigin: { status: 'accepted' as const, model: other } } : i)),
    };
    const view = failureViewData(made, '/r.json', (p) => p);
    assert.deepEqual(view.rows.slice(0, 4).map((r) => r.groundTruthFromModel), [{ status: 'predicted', own: true }, { status: 'edited', own: true }, { status: 'accepted', own: false }, undefined]);
    // a (Dice 1) is the model's own pre-label: the other four (b 0, c 0.8, d 0.5, e 1) average 0.575.
    assert.deepEqual(view.groundTruthNotes, [
      "1 of 5 ground-truth mask(s) are this model's own predictions, pixel for pixel (1 unreviewed): their scores measure the model against itself; mean Dice of the other 4: 0.5750.",
      "1 ground-truth mask(s) are a model's predictions, pixel for pixel (1 kept unchanged); those no person kept are not ground truth.",
      "1 ground-truth mask(s) are pre-labels a person edited (1 of this model's).",
      'Cannot read /data/masks/.segnetr/review.tsv: denied.',
    ]);
    assert.deepEqual(data.groundTruthNotes, [], 'nothing said of a report without origins');
    // A row scored from a prediction file is not the model's prediction: not "own", whatever made its ground truth.
    const fromFile = failureViewData({ ...made, images: made.images.map((i, n) => (n === 0 ? { ...i, prediction: 'file' as const, predictionFile: '/data/pred/a.png' } : i)) }, '/r.json', (p) => p);
    assert.deepEqual(fromFile.rows[0]!.groundTruthFromModel, { status: 'predicted', own: false });
    assert.match(fromFile.groundTruthNotes[0]!, /^2 ground-truth mask\(s\) are a model's predictions, pixel for pixel \(1 unreviewed, 1 kept unchanged\)/);
    assert.deepEqual(parseEvaluationReport(JSON.parse(evaluationJson(made)), 'r.json'), JSON.parse(evaluationJson(made)));
    const spoilt = JSON.parse(evaluationJson(made)) as { images: { groundTruthOrigin?: { status: string } }[] };
    spoilt.images[0]!.groundTruthOrigin!.status = 'mine';
    assert.throws(() => parseEvaluationReport(spoilt, 'r.json'), /images\.0\.groundTruthOrigin\.status/);
  });

  it('sorts names as the Explorer does: numbers by value, letter case aside', () => {
    const named = failureViewData(report(['img10.png', 'b.png', 'Img3.png', 'A.png', 'img2.png'].map((n) => image(n, [1, 0], [1, 0]))), '/data/images-evaluation/evaluation.json', (p) => p);
    assert.deepEqual(names(visibleRows(named.rows, sortedBy(DEFAULT_QUERY, 'name'))), ['A.png', 'b.png', 'img2.png', 'Img3.png', 'img10.png']);
  });

  it('sorts worst first by default and by any column; a second click flips; ties by name', () => {
    assert.deepEqual(names(visibleRows(data.rows, DEFAULT_QUERY)), ['b.png', 'd.png', 'c.png', 'a.png', 'e.png']);
    const byHd = sortedBy(DEFAULT_QUERY, 'hd95');
    assert.equal(byHd.direction, 'descending', 'HD95: longest distance first');
    assert.equal(names(visibleRows(data.rows, byHd))[0], 'b.png', 'the miss has the image diagonal');
    const byUncertainty = sortedBy(DEFAULT_QUERY, 'uncertainty');
    assert.deepEqual(names(visibleRows(data.rows, byUncertainty)), ['b.png', 'c.png', 'a.png', 'e.png', 'd.png'], 'no score sorts last');
    assert.deepEqual(names(visibleRows(data.rows, sortedBy(byUncertainty, 'uncertainty'))), ['e.png', 'a.png', 'c.png', 'b.png', 'd.png'], 'still last when flipped');
    const flipped = sortedBy(DEFAULT_QUERY, 'dice');
    assert.equal(flipped.direction, 'descending');
    assert.deepEqual(names(visibleRows(data.rows, flipped)), ['a.png', 'e.png', 'c.png', 'd.png', 'b.png']);
    assert.deepEqual(names(visibleRows(data.rows, sortedBy(DEFAULT_QUERY, 'name'))), ['a.png', 'b.png', 'c.png', 'd.png', 'e.png']);
  });

  it('filters by Dice below, name and empty-mask case; the summary covers the shown rows', () => {
    const low: TableQuery = { ...DEFAULT_QUERY, diceBelow: 0.8 };
    assert.deepEqual(names(visibleRows(data.rows, low)), ['b.png', 'd.png'], 'strictly below');
    assert.deepEqual(names(visibleRows(data.rows, { ...DEFAULT_QUERY, text: ' C.P ' })), ['c.png']);
    assert.deepEqual(names(visibleRows(data.rows, { ...DEFAULT_QUERY, empty: 'prediction' })), ['b.png']);
    assert.deepEqual(names(visibleRows(data.rows, { ...DEFAULT_QUERY, empty: 'both' })), ['e.png']);
    const values = summaryValues(visibleRows(data.rows, low), 0);
    assert.deepEqual(values.map((v) => v.dice), [0, 0.5]);
  });

  it('shows one class of a multi-class report', () => {
    const multi = failureViewData(
      report([image('m1.png', [1, 2, 0], [1, 1, 0], undefined, 3), image('m2.png', [2, 2, 0], [2, 2, 0], undefined, 3)], ['bg', 'one', 'two']),
      undefined,
      (p) => p,
    );
    const classTwo = visibleRows(multi.rows, { ...DEFAULT_QUERY, classIndex: 2 });
    // m1: class 2 predicted where there is none (false alarm, Dice 0); m2: perfect.
    assert.deepEqual(names(classTwo), ['m1.png', 'm2.png']);
    assert.deepEqual(summaryValues(classTwo, 2).map((v) => v.dice), [0, 1]);
    assert.deepEqual(names(visibleRows(multi.rows, { ...DEFAULT_QUERY, classIndex: 2, empty: 'groundTruth' })), ['m1.png']);
  });

  it('reads state back defensively and parses the Dice field', () => {
    assert.deepEqual(sanitizeQuery(undefined, 2), DEFAULT_QUERY);
    assert.deepEqual(sanitizeQuery({ sort: 'evil', direction: 'sideways', classIndex: 9, diceBelow: 7, text: 3, empty: 'x' }, 2), DEFAULT_QUERY);
    assert.deepEqual(sanitizeQuery({ sort: 'hd95', classIndex: 1, diceBelow: 0.5, text: 'ab', empty: 'both' }, 2), {
      sort: 'hd95', direction: 'descending', classIndex: 1, diceBelow: 0.5, text: 'ab', empty: 'both',
    });
    assert.equal(sanitizeQuery({ text: 'x'.repeat(1000) }, 2).text.length, 200);
    assert.equal(parseDiceBelow(''), null);
    assert.equal(parseDiceBelow(' .7 '), 0.7);
    assert.equal(parseDiceBelow('1'), 1);
    assert.equal(parseDiceBelow('0,9'), 0.9, 'a decimal comma');
    for (const bad of ['0', '1.5', '-0.2', 'abc', '0x1', '1e-1', 'NaN']) assert.equal(parseDiceBelow(bad), undefined, bad);
  });

  it('accepts only well-formed messages from the page', () => {
    assert.deepEqual(parseFailureViewMessage({ type: 'ready' }, 5, 0), { type: 'ready' });
    assert.deepEqual(parseFailureViewMessage({ type: 'openCase', index: 4, version: 3 }, 5, 3), { type: 'openCase', index: 4, version: 3 });
    assert.deepEqual(parseFailureViewMessage({ type: 'openReport', file: 'csv' }, 5, 0), { type: 'openReport', file: 'csv' });
    assert.deepEqual(parseFailureViewMessage({ type: 'openCase', index: 2, order: [4, 2, 0], version: 0 }, 5, 0), { type: 'openCase', index: 2, order: [4, 2, 0], version: 0 });
    // A click on the report shown before (here a longer one): stale, not hostile, whatever its index.
    assert.deepEqual(parseFailureViewMessage({ type: 'openCase', index: 7, version: 2 }, 5, 3), { stale: true });
    const hostile: unknown[] = [
      null, 42, 'ready', [], { type: 'openCase', index: 5 }, { type: 'openCase', index: -1 }, { type: 'openCase', index: 1.5 },
      { type: 'openCase', index: '1' }, { type: 'openCase' }, { type: 'openCase', index: 1, path: '/etc/passwd' },
      { type: 'openReport', file: '../../etc/passwd' }, { type: 'openReport', file: 'json ' }, { type: '__proto__' }, { type: 'constructor' },
      { type: 'ready', extra: 1 },
      { type: 'openCase', index: 2, order: [4, 0], version: 0 }, { type: 'openCase', index: 2, order: [2, 2], version: 0 }, { type: 'openCase', index: 2, order: [2, 5], version: 0 },
      { type: 'openCase', index: 2 }, { type: 'openCase', index: 2, version: -1 }, { type: 'openCase', index: 2, version: '0' },
      { type: 'openCase', index: 2, order: [2, 1.5] }, { type: 'openCase', index: 2, order: '2' }, { type: 'openCase', index: 2, order: [0, 1, 2, 3, 4, 2] },
      { get type(): string { throw new Error('boom'); } },
      new Proxy({}, { ownKeys: () => { throw new Error('trap'); }, get: () => 'ready' }),
    ];
    hostile.forEach((message, i) => assert.ok(isFailureMessageError(parseFailureViewMessage(message, 5, 0)), `hostile message ${i} refused`));
  });

  describe('reports on disk', () => {
    const tmp = useTempDir('failview');

    it('reads back what writeEvaluationReports wrote, and refuses damaged reports naming the field', async () => {
      await writeEvaluationReports(binary, { dir: tmp.path });
      const file = path.join(tmp.path, REPORT_FILES.json);
      assert.deepEqual(await readEvaluationReport(file), JSON.parse(evaluationJson(binary)));
      const parsed = JSON.parse(evaluationJson(binary)) as { images: { dice: unknown; classes: unknown[] }[] };
      parsed.images[1]!.dice = 'NaN';
      assert.throws(() => parseEvaluationReport(parsed, 'r.json'), (e: Error) => e instanceof ReportError && /r\.json .*images\.1\.dice/.test(e.message));
      parsed.images[1]!.dice = 0;
      parsed.images[1]!.classes = [];
      assert.throws(() => parseEvaluationReport(parsed, 'r.json'), /images\.1\.classes has 0 entries for 1 foreground class/);
      // Rows must name the evaluated folders' files: a hand-edited row would open any mask in compare mode for editing.
      const rowsOf = () => JSON.parse(evaluationJson(binary)) as { images: Record<string, unknown>[]; predDir?: string; imagesDir: string };
      const cases: [(r: ReturnType<typeof rowsOf>) => void, RegExp][] = [
        [(r) => (r.images[0]!.groundTruth = '/other/dataset/masks/expert.png'), /images\.0\.groundTruth is not \/data\/masks\/a\.png/],
        [(r) => (r.images[0]!.groundTruth = '/data/masks/b.png'), /images\.0\.groundTruth is not \/data\/masks\/a\.png/],
        [(r) => (r.images[1]!.image = '/elsewhere/b.png'), /images\.1\.image is not in imagesDir \/data\/images/],
        [(r) => (r.images[1] = { ...r.images[0]! }), /images\.1\.image \/data\/images\/a\.png is listed twice/],
        [(r) => (r.images[3]!.predictionFile = '/data/masks/d.png'), /images\.3\.predictionFile is not in predDir at \/data\/pred\/d\.png/],
        [(r) => delete r.predDir, /images\.3\.predictionFile is not in predDir at all/],
        [(r) => (r.images[0]!.prediction = 'file'), /images\.0\.predictionFile must be given exactly when prediction is 'file'/],
        [(r) => (r.imagesDir = 'data/images'), /imagesDir is not an absolute path/],
      ];
      for (const [spoil, reason] of cases) {
        const spoilt = rowsOf();
        spoil(spoilt);
        assert.throws(() => parseEvaluationReport(spoilt, 'r.json'), reason);
      }
      writeFileSync(file, '{"oops"');
      await assert.rejects(readEvaluationReport(file), /is not valid JSON/);
      await assert.rejects(readEvaluationReport(tmp.path), /not a regular file/);
      await assert.rejects(readEvaluationReport(path.join(tmp.path, 'missing.json')), /Cannot read the evaluation report .*no such file/);
    });

    it('replaces only an earlier SegNetr report in the report folder', async () => {
      assert.equal(reportFolderFor('/data/val/images/'), '/data/val/images-evaluation');
      const dir = path.join(tmp.path, 'images-evaluation');
      await checkReportFolder(dir, 'extension'); // does not exist yet
      mkdirSync(dir);
      await checkReportFolder(dir, 'extension'); // empty
      await writeEvaluationReports(binary, { dir });
      await checkReportFolder(dir, 'extension'); // our own report
      writeFileSync(path.join(dir, REPORT_FILES.json), '{"mine": true}\n');
      await assert.rejects(checkReportFolder(dir, 'extension'), (e: Error) => e instanceof ReportError && /is not an earlier SegNetr report/.test(e.message));
      const other = path.join(tmp.path, 'other');
      mkdirSync(other);
      writeFileSync(path.join(other, REPORT_FILES.markdown), '# my notes\n');
      await assert.rejects(checkReportFolder(other, 'cli'), /holds evaluation\.md but no evaluation\.json: .* Move them, or give --report another folder\.$/);
    });
  });
});

describe('most uncertain first', () => {
  it('orders a folder by the report\'s scores; unscored images follow in folder order; ties keep folder order', () => {
    const r = report([image('a.png', [1], [1], 0.2), image('b.png', [1], [1], 0.9), { ...image('c.png', [1], [1]), prediction: 'file' }, image('d.png', [1], [1], 0.2)]);
    const scores = scoresFromReport(r);
    assert.deepEqual([...scores.keys()], ['a.png', 'b.png', 'd.png']);
    const folder = ['/x/a.png', '/x/b.png', '/x/c.png', '/x/d.png', '/x/e.png'];
    assert.deepEqual(orderByUncertainty(folder, scores), ['/x/b.png', '/x/a.png', '/x/d.png', '/x/c.png', '/x/e.png']);
    assert.deepEqual(orderByUncertainty(folder, scoresFromRanking([{ image: '/elsewhere/e.png', uncertainty: 0.5 }])), ['/x/e.png', '/x/a.png', '/x/b.png', '/x/c.png', '/x/d.png']);
  });
});
