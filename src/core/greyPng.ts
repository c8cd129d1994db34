// 8-bit greyscale PNGs holding raw byte values (probability maps, class maps, backup patches): written and read
// with the label PNG codec, value for value (256 "classes": every byte is a value, none is remapped).
import { decodeLabelPng, encodeLabelPng } from '../mask/labelPng';

const EVERY_BYTE_VALUE = 256;

export function encodeGreyPng(values: Uint8Array, width: number, height: number): Buffer {
  return encodeLabelPng(values, width, height, 'index');
}

/** Throws LabelPngError with the reason for a file that is not a readable greyscale PNG. */
export function decodeGreyPng(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  return decodeLabelPng(bytes, EVERY_BYTE_VALUE);
}
