// VS Code reads `[ ] { } * ?` in a watcher's pattern as glob syntax, so a file named `scan[1].png` would never
// match its own watcher and the editor would miss changes to it. Each of these becomes `?` (any one character):
// the pattern then matches the file (and perhaps a few look-alikes, which the caller filters out by path).
const GLOB_SYNTAX = /[[\]{}*?]/g;

/** A glob segment that matches the file or folder name `name` (and possibly a few names differing only there). */
export function literalGlob(name: string): string {
  return name.replace(GLOB_SYNTAX, '?');
}
