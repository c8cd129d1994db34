// An image as the model sees it (decodeImage: 8-bit RGB in the stored pixel grid, 16-bit samples windowed to the
// image's own range), written as an RGB PNG a browser can show. The mask editor's page decodes images itself,
// but browsers cannot decode TIFF and cut 16-bit PNGs to their top 8 bits (a 12-bit scan shows nearly black).
import { PNG } from 'pngjs';
import { decodeImage } from './decode';
import type { ImageLimits } from './imageHeader';
import type { Window16 } from './window16';

export interface RenderedImage {
  readonly png: Uint8Array;
  readonly bitDepth: 8 | 16;
  /** For 16-bit sources: the sample range shown as black to white. */
  readonly window: Window16 | null;
}

export async function renderImage(bytes: Buffer, limits: ImageLimits): Promise<RenderedImage> {
  const image = await decodeImage(bytes, limits);
  const png = new PNG({ width: image.width, height: image.height, colorType: 2, inputColorType: 2, inputHasAlpha: false, bitDepth: 8 });
  png.data = Buffer.from(image.rgb.buffer, image.rgb.byteOffset, image.rgb.length);
  // Shown once and thrown away: fast deflate over small files.
  const encoded = PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false, bitDepth: 8, deflateLevel: 1 });
  return { png: new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength), bitDepth: image.bitDepth, window: image.window ?? null };
}
