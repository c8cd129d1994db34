// Browsers rotate JPEG and PNG images by their EXIF orientation when decoding (createImageBitmap, drawImage), and
// Chromium ignores imageOrientation: 'none' for that (checked in Chromium 156). Labels and training use the stored
// pixel grid, so before decoding we set the orientation tag to 1 ("as stored") in the file's bytes. Pure: no DOM.

const ORIENTATION_TAG = 0x0112;
const TYPE_SHORT = 3;

/**
 * Rewrites an EXIF orientation other than 1 to 1, in place, in a JPEG (APP1 "Exif") or PNG (eXIf chunk, CRC
 * recomputed). Returns the orientation the file had (1 when it had none); other formats are left untouched.
 */
export function neutralizeExifOrientation(bytes: Uint8Array): number {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8) return neutralizeJpeg(bytes);
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return neutralizePng(bytes);
  return 1;
}

function neutralizeJpeg(bytes: Uint8Array): number {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return 1;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    // Start of scan or end of image: no more metadata segments.
    if (marker === 0xda || marker === 0xd9) return 1;
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    if (length < 2) return 1;
    const start = offset + 4;
    const end = Math.min(bytes.length, offset + 2 + length);
    if (marker === 0xe1 && end - start > 14 && isExifHeader(bytes, start)) {
      const found = neutralizeTiff(bytes, start + 6, end);
      if (found !== 1) return found;
    }
    offset += 2 + length;
  }
  return 1;
}

function isExifHeader(bytes: Uint8Array, at: number): boolean {
  // "Exif\0\0"
  return bytes[at] === 0x45 && bytes[at + 1] === 0x78 && bytes[at + 2] === 0x69 && bytes[at + 3] === 0x66 && bytes[at + 4] === 0 && bytes[at + 5] === 0;
}

function neutralizePng(bytes: Uint8Array): number {
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = readUint32(bytes, offset, false);
    const typeAt = offset + 4;
    const dataStart = offset + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) return 1;
    const type = String.fromCharCode(bytes[typeAt]!, bytes[typeAt + 1]!, bytes[typeAt + 2]!, bytes[typeAt + 3]!);
    if (type === 'IDAT' || type === 'IEND') return 1;
    if (type === 'eXIf') {
      const found = neutralizeTiff(bytes, dataStart, dataEnd);
      if (found !== 1) writeUint32(bytes, dataEnd, crc32(bytes, typeAt, dataEnd));
      return found;
    }
    offset = dataEnd + 4;
  }
  return 1;
}

/** A TIFF structure in bytes[start, end): sets IFD0's orientation entry to 1; returns the previous value (1 if none). */
function neutralizeTiff(bytes: Uint8Array, start: number, end: number): number {
  if (end - start < 8) return 1;
  const little = bytes[start] === 0x49 && bytes[start + 1] === 0x49;
  const big = bytes[start] === 0x4d && bytes[start + 1] === 0x4d;
  if (!little && !big) return 1;
  const ifd = start + readUint32(bytes, start + 4, little);
  if (ifd + 2 > end) return 1;
  const entries = readUint16(bytes, ifd, little);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return 1;
    if (readUint16(bytes, entry, little) !== ORIENTATION_TAG) continue;
    if (readUint16(bytes, entry + 2, little) !== TYPE_SHORT) return 1;
    const value = readUint16(bytes, entry + 8, little);
    if (value !== 1) {
      bytes[entry + 8] = little ? 1 : 0;
      bytes[entry + 9] = little ? 0 : 1;
    }
    return value;
  }
  return 1;
}

function readUint16(bytes: Uint8Array, at: number, little: boolean): number {
  return little ? bytes[at]! | (bytes[at + 1]! << 8) : (bytes[at]! << 8) | bytes[at + 1]!;
}

function readUint32(bytes: Uint8Array, at: number, little: boolean): number {
  return little
    ? (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
    : ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function writeUint32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 255;
  bytes[at + 2] = (value >>> 8) & 255;
  bytes[at + 3] = value & 255;
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = crcTable[(crc ^ bytes[i]!) & 255]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
