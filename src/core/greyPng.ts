// 8-bit greyscale PNGs holding raw byte values (probability maps, class maps, backup patches): written with the
// label encoder, read back value for value. Not for label files (decodeLabelPng checks classes and 0/255).
import { PNG } from 'pngjs';
import { encodeLabelPng } from '../mask/labelPng';

export function encodeGreyPng(values: Uint8Array, width: number, height: number): Buffer {
  return encodeLabelPng(values, width, height, 'index');
}

/** Throws with pngjs's reason for a file that is not a readable PNG. */
export function decodeGreyPng(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  // pngjs expands every PNG to RGBA; for a grey PNG the red channel is the value.
  const data = new Uint8Array(png.width * png.height);
  for (let i = 0; i < data.length; i++) data[i] = png.data[i * 4]!;
  return { width: png.width, height: png.height, data };
}
