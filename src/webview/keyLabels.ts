// Key chords as VS Code writes them in package.json ("shift+/", "ctrl+enter") shown the way people read them.
// Pure: no DOM.
import { ACTION_BINDINGS, EDITOR_COMMANDS } from '../common/editorActions';
import type { EditorAction } from '../common/editorProtocol';

const NAMES: Readonly<Record<string, string>> = {
  ctrl: 'Ctrl', shift: 'Shift', alt: 'Alt', cmd: 'Cmd', meta: 'Meta', win: 'Win',
  enter: 'Enter', escape: 'Esc', backspace: 'Backspace', delete: 'Delete', space: 'Space', tab: 'Tab',
  up: '↑', down: '↓', left: '←', right: '→',
};

/** "shift+/" -> "Shift+/", "ctrl+shift+backspace" -> "Ctrl+Shift+Backspace", "b" -> "B". */
export function formatKey(chord: string): string {
  return chord
    .split(' ')
    .map((part) => part.split('+').map((key) => NAMES[key] ?? (key.length === 1 ? key.toUpperCase() : key)).join('+'))
    .join(' ');
}

export interface HelpRow {
  readonly title: string;
  readonly keys: string;
}

export interface HelpSection {
  readonly title: string;
  readonly rows: readonly HelpRow[];
}

/** The webview's own keys and gestures (not VS Code keybindings, so not rebindable). */
const POINTER_HELP: readonly HelpRow[] = [
  { title: 'Paint, erase, fill, add a polygon point', keys: 'Left button' },
  { title: 'Pan', keys: 'Space+drag, middle button, arrow keys (Shift: further)' },
  { title: 'Zoom around the cursor', keys: 'Wheel' },
  { title: 'Lasso (polygon tools)', keys: 'Drag' },
  { title: 'Close the polygon', keys: 'Enter, double-click, first point' },
  { title: 'Image focused: show the crosshair, then paint, fill or add a polygon point there', keys: 'Enter' },
  { title: 'Close a polygon begun at the crosshair', keys: 'Shift+Enter' },
  { title: 'Cancel polygon or threshold preview', keys: 'Esc' },
  { title: 'Commit a threshold set with the arrow keys', keys: 'Enter' },
];

/** The help overlay: editor commands, the rebindable actions (the class keys on one row), pointer gestures. */
export function helpSections(): HelpSection[] {
  const commands = Object.values(EDITOR_COMMANDS).map((c) => ({ title: c.title, keys: formatKey(c.key) }));
  const actions: HelpRow[] = [];
  const classKeys: string[] = [];
  for (const binding of ACTION_BINDINGS) {
    if (binding.action.startsWith('class.')) classKeys.push(formatKey(binding.key));
    else actions.push({ title: binding.title, keys: formatKey(binding.key) });
  }
  if (classKeys.length > 0) actions.push({ title: `Class 1 to ${classKeys.length}`, keys: classKeys.join(' ') });
  return [
    { title: 'Review and model', rows: commands },
    { title: 'Tools and view', rows: actions },
    { title: 'Pointer', rows: POINTER_HELP },
  ];
}

/** The default key of an action, for tooltips ("Brush (B)"). */
export function actionKey(action: EditorAction): string | undefined {
  const binding = ACTION_BINDINGS.find((b) => b.action === action);
  return binding ? formatKey(binding.key) : undefined;
}
