// package.json's mask editor contributions are written from one table (src/common/editorActions.ts): every
// action and editor command has its command, its keybinding (only while the mask editor is active) and a
// palette entry, and nothing else claims the segnetr.editor.* namespace.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ACTION_BINDINGS, EDITOR_COMMANDS, MASK_EDITOR_KEYS_WHEN, MASK_EDITOR_VIEW_TYPE, actionCommandId } from '../../src/common/editorActions';

interface Contributes {
  readonly commands: readonly { command: string; title: string }[];
  readonly keybindings: readonly { command: string; key: string; when?: string }[];
  readonly menus: Readonly<Record<string, readonly { command: string; when?: string }[]>>;
  readonly customEditors: readonly { viewType: string; priority?: string }[];
}

const contributes = (JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as { contributes: Contributes }).contributes;
const WHEN = `activeCustomEditorId == '${MASK_EDITOR_VIEW_TYPE}'`;

/** The table's view: command id -> key and title. */
const expected = new Map<string, { key: string; title: string }>([
  ...ACTION_BINDINGS.map((b): [string, { key: string; title: string }] => [actionCommandId(b.action), { key: b.key, title: b.title }]),
  ...Object.values(EDITOR_COMMANDS).map((c): [string, { key: string; title: string }] => [c.command, { key: c.key, title: c.title }]),
]);

describe('package.json agrees with the mask editor key table', () => {
  it('contributes one command per action and editor command, with the table\'s title', () => {
    const editorCommands = contributes.commands.filter((c) => c.command.startsWith('segnetr.editor.'));
    assert.deepEqual(editorCommands.map((c) => c.command).sort(), [...expected.keys()].sort());
    for (const c of editorCommands) assert.equal(c.title, expected.get(c.command)!.title, c.command);
  });

  it('binds each to the table\'s key, only while the mask editor is the active custom editor and no text field or list elsewhere has the keyboard', () => {
    const bindings = contributes.keybindings.filter((k) => k.command.startsWith('segnetr.editor.'));
    assert.deepEqual(bindings.map((k) => k.command).sort(), [...expected.keys()].sort(), 'exactly one keybinding per command');
    for (const k of bindings) {
      assert.equal(k.key, expected.get(k.command)!.key, k.command);
      assert.equal(k.when, MASK_EDITOR_KEYS_WHEN, `${k.command} is only active in the mask editor, not while typing or in a list elsewhere`);
    }
  });

  it('lists them in the Command Palette only while the mask editor is active', () => {
    const palette = contributes.menus['commandPalette'] ?? [];
    for (const command of expected.keys()) {
      const entry = palette.find((m) => m.command === command);
      assert.ok(entry, `${command} has a commandPalette entry`);
      assert.equal(entry.when, WHEN);
    }
  });

  it('registers the mask editor as an optional editor, opened from the Explorer, and no label preview', () => {
    assert.deepEqual(contributes.customEditors.map((e) => [e.viewType, e.priority]), [[MASK_EDITOR_VIEW_TYPE, 'option']]);
    assert.ok(contributes.menus['explorer/context']?.some((m) => m.command === 'segnetr.openMaskEditor'));
    assert.ok(!JSON.stringify(contributes).includes('labelPreview'), 'the read-only preview is gone');
  });
});
