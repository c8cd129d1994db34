// File names can contain anything but "/" and NUL: a newline would split a "file: reason" line in two, an ESC
// could recolour or rewrite the terminal, a bidirectional override could reorder what is shown. Everything the
// CLI prints for a person goes through here (--json output does not: JSON escapes its own strings).

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with control and direction-changing characters shown as escapes (\n, \x1b, \u202e). */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

/** Writes text of several lines, each made safe (its own line breaks kept), to a terminal stream. */
export function writeLines(stream: NodeJS.WritableStream, text: string): void {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) writeLine(stream, line);
}

/** Writes one line, made safe, to a terminal stream. */
export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${terminalSafe(text)}\n`);
}
