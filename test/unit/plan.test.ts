import * as assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RequestError } from '../../src/model/errors';
import { labelPathFor } from '../../src/core/labelPaths';
import { namesIgnoreCase } from '../../src/core/caseFolding';
import { earlierImageWithLabel, listImages, planPrelabel, sameBaseNameAs, selectShard } from '../../src/core/plan';
import { useTempDir } from './tempDir';

describe('planning a folder', () => {
  const tmp = useTempDir('plan');

  function touch(...names: string[]): void {
    for (const name of names) writeFileSync(path.join(tmp.path, name), '');
  }

  it('lists images by extension, case-insensitively, in code-point order, skipping dot files and folders', async () => {
    const images = path.join(tmp.path, 'images');
    mkdirSync(images);
    mkdirSync(path.join(images, 'sub.png'));
    for (const n of ['b.PNG', 'a.jpg', 'c.jpeg', 'D.tif', 'e.tiff', 'f.bmp', 'notes.txt', '.hidden.png', '._a.jpg', 'Z.png']) {
      writeFileSync(path.join(images, n), '');
    }
    const listed = (await listImages(images)).map((p) => path.basename(p));
    assert.deepEqual(listed, ['D.tif', 'Z.png', 'a.jpg', 'b.PNG', 'c.jpeg', 'e.tiff', 'f.bmp']);
  });

  it('puts each label at <labelsDir>/<base name>.png', () => {
    assert.equal(labelPathFor('/data/masks', '/data/images/case 01.v2.jpg'), path.join('/data/masks', 'case 01.v2.png'));
  });

  it('splits a list into shards that cover every item exactly once', () => {
    const items = Array.from({ length: 23 }, (_, i) => i);
    for (let count = 1; count <= 6; count++) {
      const seen = Array.from({ length: count }, (_, index) => selectShard(items, { index, count })).flat();
      assert.deepEqual([...seen].sort((a, b) => a - b), items, `count ${count}`);
      const sizes = Array.from({ length: count }, (_, index) => selectShard(items, { index, count }).length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    }
    assert.deepEqual(selectShard(items, { index: 1, count: 10 }), [1, 11, 21]);
    assert.throws(() => selectShard(items, { index: 3, count: 3 }), RequestError);
  });

  it('marks existing labels and same-base-name clashes, before sharding', async () => {
    const images = path.join(tmp.path, 'images');
    const masks = path.join(tmp.path, 'masks');
    mkdirSync(images);
    mkdirSync(masks);
    for (const n of ['a.jpg', 'a.png', 'b.png', 'c.bmp']) writeFileSync(path.join(images, n), '');
    writeFileSync(path.join(masks, 'b.png'), '');
    const plan = await planPrelabel({ imagesDir: images, labelsDir: masks });
    assert.equal(plan.folderTotal, 4);
    assert.deepEqual(
      plan.items.map((i) => [path.basename(i.imagePath), i.labelExists, i.labelClashesWith && path.basename(i.labelClashesWith)]),
      [['a.jpg', false, undefined], ['a.png', false, 'a.jpg'], ['b.png', true, undefined], ['c.bmp', false, undefined]],
    );
    const shard = await planPrelabel({ imagesDir: images, labelsDir: masks, shard: { index: 1, count: 2 } });
    assert.deepEqual(shard.items.map((i) => path.basename(i.imagePath)), ['a.png', 'c.bmp']);
    assert.equal(shard.items[0]!.labelClashesWith, path.join(images, 'a.jpg'));
    // The editor asks the same of one image: a.png's label is a.jpg's.
    assert.equal(await earlierImageWithLabel(path.join(images, 'a.png'), masks), path.join(images, 'a.jpg'));
    assert.equal(await earlierImageWithLabel(path.join(images, 'a.jpg'), masks), undefined);
    assert.equal(await earlierImageWithLabel(path.join(images, 'b.png'), masks), undefined);
  });

  it('where the labels folder ignores letter case, Scan.jpg and scan.tif clash and B.png is b.png\'s label', async () => {
    const images = path.join(tmp.path, 'images');
    const masks = path.join(tmp.path, 'masks');
    mkdirSync(images);
    mkdirSync(masks);
    for (const n of ['Scan.jpg', 'b.png', 'scan.tif']) writeFileSync(path.join(images, n), '');
    writeFileSync(path.join(masks, 'B.png'), '');
    const seen = async () => (await planPrelabel({ imagesDir: images, labelsDir: masks })).items.map((i) => [path.basename(i.imagePath), i.labelExists, i.labelClashesWith && path.basename(i.labelClashesWith)]);
    // This file system keeps case: two labels.
    assert.equal(await namesIgnoreCase(masks), false);
    assert.deepEqual(await seen(), [['Scan.jpg', false, undefined], ['b.png', false, undefined], ['scan.tif', false, undefined]]);
    // MASKS leading to masks is what a lookup on a case-ignoring file system answers (the probe looks up the
    // folder's name with its case swapped); the folder about to be made inside it is judged the same way.
    symlinkSync('masks', path.join(tmp.path, 'MASKS'));
    assert.equal(await namesIgnoreCase(masks), true);
    assert.equal(await namesIgnoreCase(path.join(masks, 'new', 'deeper')), true);
    assert.deepEqual(await seen(), [['Scan.jpg', false, undefined], ['b.png', true, undefined], ['scan.tif', false, 'Scan.jpg']]);
    assert.equal(await earlierImageWithLabel(path.join(images, 'scan.tif'), masks), path.join(images, 'Scan.jpg'));
    assert.match(sameBaseNameAs(path.join(images, 'Scan.jpg'), path.join(images, 'scan.tif')), /same base name as .*Scan\.jpg \(letter case aside: the labels folder's file system ignores it\)$/);
    assert.match(sameBaseNameAs(path.join(images, 'a.jpg'), path.join(images, 'a.tif')), /same base name as .*a\.jpg$/);
  });

  it('works when the labels folder does not exist yet, and refuses labels in the images folder', async () => {
    touch('x.png');
    const plan = await planPrelabel({ imagesDir: tmp.path, labelsDir: path.join(path.dirname(tmp.path), `${path.basename(tmp.path)}-masks`, 'new') });
    assert.equal(plan.items[0]!.labelExists, false);
    await assert.rejects(planPrelabel({ imagesDir: tmp.path, labelsDir: `${tmp.path}/.` }), /labels folder must be outside the images folder: .* is the images folder/);
    await assert.rejects(planPrelabel({ imagesDir: path.join(tmp.path, 'nope'), labelsDir: tmp.path }), /Cannot read the images folder .*nope: no such folder/);
  });

  it('refuses a labels folder that is the images folder or inside it however it is spelled: links, .., a dangling link', async () => {
    const images = path.join(tmp.path, 'images');
    mkdirSync(images);
    writeFileSync(path.join(images, 'photo.png'), '');
    symlinkSync(images, path.join(tmp.path, 'masks-link'));
    symlinkSync(path.join(images, 'not-yet'), path.join(tmp.path, 'dangling-link'));
    symlinkSync(tmp.path, path.join(tmp.path, 'parent-link'));
    const refused: Array<[string, RegExp]> = [
      [path.join(tmp.path, 'masks-link'), /is the images folder .*images \(through a link: .*images\)/],
      [path.join(tmp.path, 'masks-link', 'sub', 'deeper'), /is inside the images folder/],
      [path.join(tmp.path, 'dangling-link'), /is inside the images folder/],
      [path.join(tmp.path, 'parent-link', 'images', '..', 'images', 'masks'), /is inside the images folder/],
      [`${images}${path.sep}`, /is the images folder/],
      [path.join(images, '..masks'), /is inside the images folder/], // a name starting with '..' is still inside
    ];
    for (const [labelsDir, reason] of refused) {
      await assert.rejects(planPrelabel({ imagesDir: images, labelsDir }), (error: Error) => {
        assert.ok(error instanceof RequestError, `${labelsDir}: ${String(error)}`);
        assert.match(error.message, /^The labels folder must be outside the images folder: /);
        assert.match(error.message, reason, labelsDir);
        return true;
      });
    }
    // Through a link to the images folder's parent, a sibling folder is fine.
    const plan = await planPrelabel({ imagesDir: path.join(tmp.path, 'parent-link', 'images'), labelsDir: path.join(tmp.path, 'masks') });
    assert.equal(plan.items.length, 1);
    assert.equal((await planPrelabel({ imagesDir: images, labelsDir: path.join(tmp.path, '..masks') })).items.length, 1, 'beside it, named ..masks');
  });

  it('says when the labels folder is a file', async () => {
    mkdirSync(path.join(tmp.path, 'images'));
    touch('masks');
    await assert.rejects(
      planPrelabel({ imagesDir: path.join(tmp.path, 'images'), labelsDir: path.join(tmp.path, 'masks') }),
      /^RequestError: Cannot use the labels folder .*masks: it is a file, not a folder\.$/,
    );
  });
});
