// The trust rules for path settings (src/host/pathSettings.ts, pure; src/host/settings.ts only reads the values
// through VS Code and passes them in), and the manifest marking both path settings as restricted.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { samePlace } from '../../src/core/realPath';
import { SettingError, labelsDirFromSettings, modelPathFromSettings } from '../../src/host/pathSettings';
import { useTempDir } from './tempDir';

describe('path settings and workspace trust', () => {
  const tmp = useTempDir('settings');

  function workspace(trusted: boolean): { trusted: boolean; folders: string[]; root: string; images: string } {
    const root = path.join(tmp.path, 'repo');
    const images = path.join(root, 'data', 'images');
    mkdirSync(images, { recursive: true });
    return { trusted, folders: [root], root, images };
  }

  it('ignores a workspace segnetr.labelFolder in an untrusted workspace (/, ~/.ssh, ../../../../etc): the user setting or default applies', () => {
    const ws = workspace(false);
    for (const hostile of ['/', path.join(tmp.path, '.ssh'), '../../../../etc']) {
      assert.equal(labelsDirFromSettings(ws.images, { workspaceValue: hostile }, ws), path.join(ws.root, 'data', 'masks'));
      assert.equal(labelsDirFromSettings(ws.images, { workspaceFolderValue: hostile, globalValue: '/srv/labels' }, ws), '/srv/labels');
    }
  });

  it('in an untrusted workspace, does not follow a link the workspace holds out of it (the default labels folder included)', () => {
    const ws = workspace(false);
    const elsewhere = path.join(tmp.path, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, path.join(ws.root, 'data', 'masks')); // committed by the repository
    for (const levels of [undefined, { globalValue: '../masks' }]) {
      assert.throws(() => labelsDirFromSettings(ws.images, levels, ws), (error: Error) => {
        assert.ok(error instanceof SettingError);
        assert.match(error.message, /^The labels folder .*repo\/data\/masks is in the untrusted workspace folder .*repo, but a link there leads it to .*elsewhere: /);
        return true;
      });
    }
    // Trusted, or named by its real place in the user settings, it is the person's choice.
    assert.equal(labelsDirFromSettings(ws.images, undefined, { ...ws, trusted: true }), path.join(ws.root, 'data', 'masks'));
    assert.equal(labelsDirFromSettings(ws.images, { globalValue: elsewhere }, ws), elsewhere);
  });

  it('keeps a trusted workspace setting inside the workspace, judged by real paths', () => {
    const ws = workspace(true);
    assert.equal(labelsDirFromSettings(ws.images, { workspaceValue: '../labels' }, ws), path.join(ws.root, 'data', 'labels'));
    symlinkSync(tmp.path, path.join(ws.root, 'escape'));
    for (const outside of ['/', '../../../../etc', '../../escape/elsewhere']) {
      assert.throws(() => labelsDirFromSettings(ws.images, { workspaceValue: outside }, ws), (error: Error) => {
        assert.ok(error instanceof SettingError);
        assert.match(error.message, /^The workspace setting segnetr\.labelFolder \(".*"\) would put labels in .*, outside the workspace folder .*repo\. /);
        return true;
      });
    }
    // The user's own setting and the default may point anywhere.
    assert.equal(labelsDirFromSettings(ws.root, { globalValue: '/srv/labels' }, ws), '/srv/labels');
    assert.equal(labelsDirFromSettings(ws.root, undefined, ws), path.join(tmp.path, 'masks'));
  });

  it('never lets an untrusted workspace supply the model: workspace values ignored, user paths into the workspace refused', () => {
    const ws = workspace(false);
    const home = path.join(tmp.path, 'home');
    assert.equal(modelPathFromSettings({ workspaceValue: 'evil.onnx' }, ws.root, ws, home), undefined);
    for (const userValue of ['models/m.onnx', '${workspaceFolder}/m.onnx', path.join(ws.root, 'm.onnx')]) {
      assert.throws(() => modelPathFromSettings({ globalValue: userValue, workspaceValue: 'x.onnx' }, ws.root, ws, home), (error: Error) => {
        assert.ok(error instanceof SettingError, userValue);
        assert.match(error.message, /^segnetr\.modelPath in your user settings \(".*"\) leads to .*, inside the untrusted workspace folder .*repo: /);
        return true;
      });
    }
    assert.equal(modelPathFromSettings({ globalValue: '~/models/m.onnx' }, ws.root, ws, home), path.join(home, 'models', 'm.onnx'));
    assert.equal(modelPathFromSettings({ globalValue: '/opt/models/m.onnx' }, ws.root, ws, home), '/opt/models/m.onnx');
  });

  it('in a trusted workspace, expands workspace and user model paths against the workspace folder', () => {
    const ws = workspace(true);
    assert.equal(modelPathFromSettings({ workspaceValue: 'models/m.onnx', globalValue: '/opt/x.onnx' }, ws.root, ws, undefined), path.join(ws.root, 'models', 'm.onnx'));
    assert.equal(modelPathFromSettings({ globalValue: '${workspaceFolder}/m.onnx' }, ws.root, ws, undefined), path.join(ws.root, 'm.onnx'));
    assert.equal(modelPathFromSettings({ globalValue: '  ' }, ws.root, ws, undefined), undefined);
    assert.throws(() => modelPathFromSettings({ globalValue: 'm.onnx' }, undefined, { trusted: true, folders: [] }, undefined), /is relative, but no folder is open/);
  });

  it('marks both path settings as restricted in untrusted workspaces (package.json)', () => {
    const manifest = JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as {
      capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
    };
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual([...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), ['segnetr.labelFolder', 'segnetr.modelPath']);
  });
});

describe('same place on disk', () => {
  const tmp = useTempDir('same-place');

  it('sees a file through a linked folder, and a file not yet made through a dangling link, as the same place', () => {
    const real = path.join(tmp.path, 'images');
    mkdirSync(real);
    symlinkSync(real, path.join(tmp.path, 'via'));
    assert.ok(samePlace(path.join(tmp.path, 'via', 'x.png'), path.join(real, 'x.png')), 'a missing file below a linked folder');
    assert.ok(samePlace(path.join(tmp.path, 'via', '..', 'images', 'x.png'), path.join(real, 'x.png')));
    assert.ok(!samePlace(path.join(real, 'x.png'), path.join(real, 'y.png')));
    symlinkSync(path.join(real, 'later.png'), path.join(tmp.path, 'dangling.png'));
    assert.ok(samePlace(path.join(tmp.path, 'dangling.png'), path.join(real, 'later.png')));
  });
});
