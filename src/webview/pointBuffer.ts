// A growable list of x, y pairs for the stroke or polygon being drawn: preallocated and reused, so recording a
// pointer sample allocates nothing (it grows by doubling, rarely).

export class PointBuffer {
  private data: Float64Array;
  private count = 0;

  constructor(initialPoints = 4096) {
    this.data = new Float64Array(initialPoints * 2);
  }

  /** Number of points (pairs). */
  get length(): number {
    return this.count;
  }

  x(index: number): number {
    return this.data[index * 2]!;
  }

  y(index: number): number {
    return this.data[index * 2 + 1]!;
  }

  push(x: number, y: number): void {
    if ((this.count + 1) * 2 > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.count * 2] = x;
    this.data[this.count * 2 + 1] = y;
    this.count++;
  }

  pop(): void {
    if (this.count > 0) this.count--;
  }

  clear(): void {
    this.count = 0;
  }

  /** The points as the flat [x0, y0, x1, y1, ...] array an operation carries (allocates; once per finished edit). */
  toArray(): number[] {
    return Array.from(this.data.subarray(0, this.count * 2));
  }
}
