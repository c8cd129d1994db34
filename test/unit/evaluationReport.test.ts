import * as assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { parseEvaluateCommandLine } from '../../src/cli/evaluateArgs';
import { histogramPng } from '../../src/core/evaluationReport';
import { evaluationCsv, evaluationMarkdown, evaluationText, worstFirst } from '../../src/eval/reportText';
import { image, report } from './evaluationFixtures';

describe('evaluation reports', () => {
  const images = [image('a.png', [1, 1, 0, 0], [1, 1, 0, 0], 0.1), image('b, "odd".png', [0, 0, 0, 0], [0, 1, 1, 0], 0.9), image('c.png', [1, 1, 1, 0], [0, 1, 1, 0])];
  const r = report(images);

  it('CSV: one row per image, quoted where needed, every metric present; failed images last, with the reason', () => {
    const lines = evaluationCsv(r).trim().split('\n');
    assert.equal(lines[0], 'image,ground_truth,prediction,width,height,dice,iou,precision,recall,hd95,predicted_area,ground_truth_area,ignored_pixels,uncertainty,ground_truth_made_by,ground_truth_model_sha256,failed');
    assert.equal(lines.length, 5);
    assert.ok(lines[2]!.startsWith('"/data/images/b, ""odd"".png",'));
    assert.match(lines[2]!, /,model,4,1,0,0,0,0,4\.123105625617661,0,2,0,0\.9,,,$/); // the miss: HD95 = diagonal sqrt(17)
    // No uncertainty: an empty cell. HD95 0.7999999999999998 is numpy.percentile([0, 0, 0, 0, 1], 95) to the bit.
    assert.match(lines[3]!, /,0\.8,0\.6666666666666666,0\.6666666666666666,1,0\.7999999999999998,3,2,0,,,,$/);
    assert.equal(lines[4], `/data/images/broken.png${','.repeat(16)}empty file (0 bytes)`);
    for (const line of lines) assert.equal(line.replace(/"[^"]*"/g, '').split(',').length, 17, line);
  });

  it('Markdown and the CLI text carry the same numbers; worst first; failures and conventions listed', () => {
    const md = evaluationMarkdown(r, 'dice-histogram.png');
    const mean = r.summary.metrics.dice.mean.toFixed(4);
    assert.match(md, new RegExp(`\\| Dice \\| ${mean} \\| ${r.summary.metrics.dice.median.toFixed(4)} \\|`));
    assert.match(md, /!\[Dice histogram\]\(dice-histogram\.png\)/);
    assert.match(md, /\| lesion \| 2 \| 0 \| 1 \| 0 \|/);
    assert.match(md, /`broken\.png`: empty file \(0 bytes\)/);
    assert.match(md, /One empty: Dice = IoU = precision = recall = 0, HD95 = image diagonal/);
    assert.ok(md.indexOf('| b, "odd".png | 0.9000') > 0, 'most uncertain table');
    assert.deepEqual(worstFirst(images).map((i) => i.dice), [0, 0.8, 1]);
    const text = evaluationText(r);
    assert.match(text, new RegExp(`Dice\\s+${mean}`));
    assert.match(text, /lesion: 1 missed \(prediction empty\), 0 false alarm\(s\)/);
    assert.match(text, /Scored 3 image\(s\), 1 failed\./);
  });

  it('the histogram PNG has one bar per bin, the tallest reaching the top of the plot', () => {
    const png = PNG.sync.read(histogramPng(report([image('x', [1], [1]), image('y', [1], [1]), image('z', [0], [1])])));
    const barColumn = (bin: number): number[] => {
      const x = 24 + 4 + bin * 40 + 18; // margin + gap + bin * (bar + gap) + half a bar
      const heights: number[] = [];
      for (let y = 0; y < png.height; y++) {
        const i = (y * png.width + x) * 4;
        if (png.data[i] === 61 && png.data[i + 1] === 120 && png.data[i + 2] === 196) heights.push(y);
      }
      return heights;
    };
    assert.equal(barColumn(9).length, 200); // Dice 1 twice: the full plot height
    assert.equal(barColumn(0).length, 100); // Dice 0 once: half
    assert.equal(barColumn(5).length, 0);
  });

  it('parses segnetr evaluate options', () => {
    assert.deepEqual(parseEvaluateCommandLine(['imgs', '--gt', 'm', '--pred', 'p', '--json', '-', '--csv', 'c.csv', '--report', 'r', '--model', 'x.onnx', '--threads', '2']), {
      kind: 'evaluate',
      imagesDir: 'imgs',
      gtDir: 'm',
      predDir: 'p',
      modelPath: 'x.onnx',
      json: '-',
      csv: 'c.csv',
      reportDir: 'r',
      threads: 2,
    });
    assert.deepEqual(parseEvaluateCommandLine(['--help']), { kind: 'help' });
    assert.throws(() => parseEvaluateCommandLine(['imgs']), /Missing --gt <masksDir>/);
    assert.throws(() => parseEvaluateCommandLine(['--gt', 'm']), /Missing <imagesDir>/);
    assert.throws(() => parseEvaluateCommandLine(['imgs', 'more', '--gt', 'm']), /Unexpected argument\(s\): more/);
    assert.throws(() => parseEvaluateCommandLine(['imgs', '--gt', 'm', '--threads', 'x']), /--threads expects a whole number/);
  });
});
