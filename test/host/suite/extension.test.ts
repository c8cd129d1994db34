// The extension is installed in the host, activates, and registers its commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './helpers';

export const COMMANDS = ['segnetr.prelabelFolder', 'segnetr.openMaskEditor', 'segnetr.showLog', 'segnetr.restartWorker'] as const;

describe('extension', () => {
  it(`${EXTENSION_ID} is present in the extension host`, () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found; extensions: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
    assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace, 'runs in the (Node) workspace extension host');
  });

  it('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers its commands', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = COMMANDS.filter((c) => !all.has(c));
    assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
  });

  it('segnetr.showLog runs without throwing', async () => {
    await vscode.commands.executeCommand('segnetr.showLog');
  });
});
