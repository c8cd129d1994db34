// The frame header (SOFn) of a JPEG: coding, sample precision and stored size, found by walking the marker
// segments before it. Used for the size check before decoding and to refuse codings the decoder cannot read.

export interface JpegFrame {
  /** The SOFn marker's second byte: 0xc0 baseline, 0xc1 extended, 0xc2 progressive, others unsupported. */
  readonly marker: number;
  readonly precision: number;
  readonly width: number;
  readonly height: number;
  /** 1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK. */
  readonly components: number;
}

/** The frame header, or undefined when the segments before it are cut short or malformed. */
export function findJpegFrame(bytes: Uint8Array): JpegFrame | undefined {
  let at = 2; // after SOI
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return {
        marker,
        precision: bytes[at + 4]!,
        height: (bytes[at + 5]! << 8) | bytes[at + 6]!,
        width: (bytes[at + 7]! << 8) | bytes[at + 8]!,
        components: bytes[at + 9]!,
      };
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan data or end before any frame header
    at += 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
  }
  return undefined;
}
