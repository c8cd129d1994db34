// Which images the mask editor's page cannot show from their file, and the rendering it gets instead. Browsers
// decode no TIFF, and cut a 16-bit PNG to its top 8 bits (a 12-bit scan shows nearly black); for those the label
// codec thread renders the image as the model sees it (16-bit samples windowed to the image's own range).
import type { LabelCodec } from '../common/labelCodecProtocol';
import { readImageFile, readImageFileHeader } from '../core/readImageFile';
import { MAX_LABEL_PIXELS } from '../mask/labelPng';
import type { ImageHeader } from '../model/imageHeader';
import type { RenderedImage } from '../model/renderImage';

/** Why the page cannot show this image from its file; undefined when it can (8-bit PNG, JPEG, BMP). */
export function renderingReason(header: ImageHeader): 'tiff' | '16-bit' | undefined {
  if (header.format === 'tiff') return 'tiff';
  if (header.format === 'png' && header.bitDepth === 16) return '16-bit';
  return undefined;
}

/** The status line's note on how a rendered image is shown. */
export function renderingNote(reason: 'tiff' | '16-bit', rendered: Pick<RenderedImage, 'bitDepth' | 'window'>): string {
  const window = rendered.bitDepth === 16 && rendered.window ? `16-bit values ${rendered.window.low}–${rendered.window.high} shown black to white` : '';
  if (reason === 'tiff') return window ? `TIFF as the model sees it: ${window}` : 'TIFF as the model sees it';
  return window ? `${window}, as the model sees them` : '16-bit PNG as the model sees it';
}

/** The PNG the page shows instead of the file, and its note; undefined when the page shows the file itself. */
export async function renderedImageFor(imagePath: string, codec: LabelCodec): Promise<{ png: Uint8Array; note: string } | undefined> {
  const limits = { maxPixels: MAX_LABEL_PIXELS };
  const reason = renderingReason(await readImageFileHeader(imagePath, limits));
  if (reason === undefined) return undefined;
  const rendered = await codec.renderImage(await readImageFile(imagePath, limits), MAX_LABEL_PIXELS);
  return { png: rendered.png, note: renderingNote(reason, rendered) };
}
