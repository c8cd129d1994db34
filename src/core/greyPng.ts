// 8-bit greyscale PNGs holding raw byte values (probability maps, class maps, backup patches): written with the
// label PNG codec, and read back value for value by LabelCodec.decodeGrey (decodeLabelPng with 256 "classes":
// every byte is a value, none is remapped).
import { encodeLabelPng } from '../mask/labelPng';

/** Every byte is a value: decodeLabelPng with this many "classes" remaps nothing (no 0/255 -> 0/1). */
export const EVERY_BYTE_VALUE = 256;

export function encodeGreyPng(values: Uint8Array, width: number, height: number): Buffer {
  return encodeLabelPng(values, width, height, 'index');
}
