// Loads the image for the canvas in its stored pixel grid (what labels and training use): the file's bytes are
// fetched, their EXIF orientation set to "as stored" (neutralizeExifOrientation), then decoded off the main
// thread by createImageBitmap. If fetching is refused (a CSP without connect-src for the image), the image is
// decoded through an <img>; the browser may then rotate it, which is caught below when the axes swap.
import { neutralizeExifOrientation } from './exifOrientation';

export class ImageLoadError extends Error {}

/** Loads the image at `url`, or the PNG the extension rendered for it (`rendered`, a TIFF or 16-bit PNG). */
export async function loadImageBitmap(url: string, expectedWidth: number, expectedHeight: number, rendered?: Uint8Array): Promise<ImageBitmap> {
  let bitmap: ImageBitmap;
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  if (rendered) {
    try {
      bitmap = await createImageBitmap(new Blob([rendered.slice()], { type: 'image/png' }));
    } catch (error) {
      throw new ImageLoadError(`the browser cannot decode the image the extension rendered (${messageOf(error)})`);
    }
    return checkedSize(bitmap, expectedWidth, expectedHeight);
  }
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    console.warn(`SegNetr editor: fetching the image failed (${messageOf(error)}); decoding it through <img>, which may apply EXIF rotation`);
  }
  if (bytes) {
    neutralizeExifOrientation(bytes);
    try {
      bitmap = await createImageBitmap(new Blob([bytes]));
    } catch (error) {
      throw new ImageLoadError(`the browser cannot decode this ${formatOf(bytes)} image (${messageOf(error)})`);
    }
  } else {
    bitmap = await decodeThroughImageElement(url);
  }
  return checkedSize(bitmap, expectedWidth, expectedHeight);
}

function checkedSize(bitmap: ImageBitmap, expectedWidth: number, expectedHeight: number): ImageBitmap {
  if (bitmap.width !== expectedWidth || bitmap.height !== expectedHeight) {
    const size = `${bitmap.width} x ${bitmap.height}`;
    bitmap.close();
    throw new ImageLoadError(`the image decoded to ${size} pixels but its mask is ${expectedWidth} x ${expectedHeight}`);
  }
  return bitmap;
}

async function decodeThroughImageElement(url: string): Promise<ImageBitmap> {
  const image = new Image();
  image.decoding = 'async';
  image.src = url;
  try {
    await image.decode();
    return await createImageBitmap(image);
  } catch (error) {
    throw new ImageLoadError(`cannot load the image (${messageOf(error)})`);
  }
}

function formatOf(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'JPEG';
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'PNG';
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) return 'BMP';
  if ((bytes[0] === 0x49 && bytes[1] === 0x49) || (bytes[0] === 0x4d && bytes[1] === 0x4d)) return 'TIFF';
  return 'unknown-format';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
