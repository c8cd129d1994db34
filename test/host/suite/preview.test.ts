// `segnetr.openLabelPreview` opens an image in the SegNetr Label Preview custom editor.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { config } from './context';
import { EXTENSION_ID, listImages } from './helpers';

describe('label preview', function () {
  this.timeout(60_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens an image in the segnetr.labelPreview custom editor', async () => {
    const [image] = listImages(config().imagesDir);
    assert.ok(image, `no fixture image in ${config().imagesDir}`);
    await vscode.commands.executeCommand('segnetr.openLabelPreview', vscode.Uri.file(image));
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputCustom, `active tab is not a custom editor: ${JSON.stringify(input)}`);
    assert.equal(input.viewType, 'segnetr.labelPreview');
    assert.equal(input.uri.fsPath, image);
  });
});
