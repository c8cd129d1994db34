// Sweeping rows top to bottom over items that each cover a range of rows (polygon edges, stroke segments):
// items are bucketed by first row (counting sort) and kept in an active list, so each row sees only the
// items crossing it.

export class ActiveRows {
  /** The items crossing the current row: active[0 .. count - 1] after advance(). */
  readonly active: Int32Array;
  private readonly lastRow: Int32Array;
  private readonly startCount: Int32Array;
  private readonly byStart: Int32Array;
  private readonly top: number;
  private count = 0;

  /** Item i covers rows firstRow[i] .. lastRow[i], already clamped to top .. bottom (empty when first > last). */
  constructor(firstRow: Int32Array, lastRow: Int32Array, top: number, bottom: number) {
    const items = firstRow.length;
    this.lastRow = lastRow;
    this.top = top;
    this.startCount = new Int32Array(bottom - top + 2);
    for (let i = 0; i < items; i++) if (firstRow[i]! <= lastRow[i]!) this.startCount[firstRow[i]! - top + 1]!++;
    for (let r = 0; r <= bottom - top; r++) this.startCount[r + 1]! += this.startCount[r]!;
    this.byStart = new Int32Array(items);
    const cursor = this.startCount.slice();
    for (let i = 0; i < items; i++) if (firstRow[i]! <= lastRow[i]!) this.byStart[cursor[firstRow[i]! - top]!++] = i;
    this.active = new Int32Array(items);
  }

  /** Moves to row j (rows must come in order top, top + 1, ...); returns how many items cross it. */
  advance(j: number): number {
    const { active, lastRow, startCount, byStart } = this;
    let count = this.count;
    for (let s = startCount[j - this.top]!; s < startCount[j - this.top + 1]!; s++) active[count++] = byStart[s]!;
    let kept = 0;
    for (let i = 0; i < count; i++) if (lastRow[active[i]!]! >= j) active[kept++] = active[i]!;
    this.count = kept;
    return kept;
  }
}
