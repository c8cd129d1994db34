import * as assert from 'node:assert/strict';
import { terminalSafe } from '../../src/cli/terminalText';

describe('text printed for a terminal', () => {
  it('shows control and direction-changing characters in file names as escapes, keeping everything else', () => {
    assert.equal(terminalSafe('line\nbreak.png: reason'), 'line\\nbreak.png: reason');
    assert.equal(terminalSafe('clear\u001b[2Jscreen.jpg'), 'clear\\x1b[2Jscreen.jpg');
    assert.equal(terminalSafe('a\rb\tc\u0000d\u007fe\u009bf'), 'a\\rb\\tc\\x00d\\x7fe\\x9bf');
    assert.equal(terminalSafe('evil\u202egnp.exe'), 'evil\\u202egnp.exe');
    assert.equal(terminalSafe('Ünïcödé 画像 C:\\data\\x.png'), 'Ünïcödé 画像 C:\\data\\x.png');
  });
});
