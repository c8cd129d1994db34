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

/** The webview's own keys and gestures (not VS Code keybindings, so not rebindable). */
const POINTER_HELP: readonly HelpRow[] = [
  { title: 'Paint / erase / fill / add polygon point', keys: 'Left button' },
  { title: 'Pan', keys: 'Space+drag, middle button drag' },
  { title: 'Zoom around the cursor', keys: 'Mouse wheel' },
  { title: 'Lasso (polygon tools)', keys: 'Drag' },
  { title: 'Close the polygon', keys: 'Enter, double-click, click the first point' },
  { title: 'Cancel the polygon, close this help', keys: 'Esc' },
];

/** Every row of the help overlay: the editor commands, the rebindable actions, then the pointer gestures. */
export function helpRows(): HelpRow[] {
  const commands = Object.values(EDITOR_COMMANDS).map((c) => ({ title: c.title, keys: formatKey(c.key) }));
  const actions = ACTION_BINDINGS.map((b) => ({ title: b.title, keys: formatKey(b.key) }));
  return [...commands, ...actions, ...POINTER_HELP];
}

/** The default key of an action, for tooltips ("Brush (B)"). */
export function actionKey(action: EditorAction): string | undefined {
  const binding = ACTION_BINDINGS.find((b) => b.action === action);
  return binding ? formatKey(binding.key) : undefined;
}
