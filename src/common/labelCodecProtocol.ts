// The label PNG codec the mask editor uses (LabelCodec), and the messages between the extension host and the
// thread that runs it (src/worker/labelCodecThread.ts, a worker_threads Worker started by labelCodecClient.ts),
// so that encoding and decoding large labels, and the edits that read the whole mask, never run on the extension
// host's thread. Pixel buffers travel as transferred ArrayBuffers (moved, not copied, and never JSON).
// Environment-neutral: no `vscode`, no Node built-ins.
import type { PackedPatch } from '../mask/packedBytes';
import type { RenderedImage } from '../model/renderImage';
import type { DecodedLabel, MaskOperation } from '../mask/types';
import type { LabelFormat } from './prelabel';

/** Whose mask a mask PNG is; ground truth may mark pixels to ignore (src/core/readMask.ts). */
export type MaskRole = 'ground truth' | 'prediction';

/** One byte per pixel, row-major. */
export interface CodecPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface LabelCodec {
  /**
   * The label file's bytes for `mask` (encodeLabelPng). With `transfer`, the codec may take `mask`'s buffer:
   * the caller must not use `mask` afterwards.
   */
  encodeLabel(mask: Uint8Array, width: number, height: number, format: LabelFormat, options?: { readonly transfer?: boolean }): Promise<Uint8Array>;
  /** decodeLabelPng's class indices; rejects with LabelPngError for a file that is not a label of `classCount` classes. */
  decodeLabel(bytes: Uint8Array, classCount: number): Promise<DecodedLabel>;
  /** The SHA-256 of decodeLabel's class indices (maskPixelsSha256 of the label file `bytes`). */
  labelPixelsSha256(bytes: Uint8Array, classCount: number): Promise<string>;
  /** An 8-bit grey PNG's bytes value for value (probability maps, backup patches), with the SHA-256 of the pixels. */
  decodeGrey(bytes: Uint8Array): Promise<CodecPixels & { readonly sha256: string }>;
  /** readMaskPng's class indices, by the evaluation's rules; rejects with ImageError for a mask it refuses. */
  readMask(bytes: Uint8Array, classCount: number, role: MaskRole): Promise<CodecPixels>;
  /**
   * applyWholeImage on `mask`, with the probability map and classes a threshold needs; what changed, packed, or
   * undefined when nothing did. The codec takes the mask's and the context's buffers (they move to the thread,
   * not copied on the caller's): pass copies and do not use them afterwards.
   */
  applyWholeImage(mask: CodecPixels, operation: MaskOperation, context: WholeImageContext): Promise<PackedPatch | undefined>;
  /** replaceMaskPatch of `mask` by `data` (a Predict result), packed; the codec takes both buffers, as above. */
  replaceMask(mask: CodecPixels, data: Uint8Array): Promise<PackedPatch | undefined>;
  /**
   * renderImage: the image file's `bytes` as the model sees them, as a PNG the editor's page can show (TIFF,
   * 16-bit PNG); rejects with ImageError for a file it refuses. The codec takes the bytes' buffer when it is theirs alone.
   */
  renderImage(bytes: Uint8Array, maxPixels: number): Promise<RenderedImage>;
}

/** What a threshold reads besides the mask; null for the clean-ups. */
export interface WholeImageContext {
  readonly probability: Uint8Array | null;
  readonly predictedClasses: Uint8Array | null;
}

// ---- host -> thread ---------------------------------------------------------------------------------------

export interface EncodeLabelRequest {
  readonly type: 'encodeLabel';
  readonly id: number;
  readonly mask: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly format: LabelFormat;
}

export interface DecodeLabelRequest {
  readonly type: 'decodeLabel';
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly classCount: number;
  /** Also answer the SHA-256 of the decoded pixels (hashing 100+ MB is heavy work too). */
  readonly digest: boolean;
}

export interface ReadMaskRequest {
  readonly type: 'readMask';
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly classCount: number;
  readonly role: MaskRole;
}

export interface WholeImageRequest extends WholeImageContext {
  readonly type: 'wholeImage';
  readonly id: number;
  readonly width: number;
  readonly height: number;
  readonly mask: Uint8Array;
  readonly operation: MaskOperation;
}

export interface ReplaceMaskRequest {
  readonly type: 'replaceMask';
  readonly id: number;
  readonly width: number;
  readonly height: number;
  readonly mask: Uint8Array;
  readonly data: Uint8Array;
}

export interface RenderImageRequest {
  readonly type: 'renderImage';
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly maxPixels: number;
}

export type LabelCodecRequest = EncodeLabelRequest | DecodeLabelRequest | ReadMaskRequest | WholeImageRequest | ReplaceMaskRequest | RenderImageRequest;

// ---- thread -> host ---------------------------------------------------------------------------------------

export interface EncodedMessage {
  readonly type: 'encoded';
  readonly id: number;
  readonly bytes: Uint8Array;
}

export interface DecodedMessage {
  readonly type: 'decoded';
  readonly id: number;
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  /** Present when the request asked for a digest. */
  readonly sha256: string | null;
  /** How a label file stores its classes (decodeLabel); null when not told (a grey map, a mask read by readMask). */
  readonly storedAs: LabelFormat | null;
}

/** `label`: LabelPngError, `mask`: ImageError (readMaskPng), `internal`: anything else (a bug, memory). */
export type LabelCodecFailureKind = 'label' | 'mask' | 'internal';

export interface CodecFailedMessage {
  readonly type: 'failed';
  readonly id: number;
  readonly kind: LabelCodecFailureKind;
  readonly message: string;
}

export interface PatchedMessage {
  readonly type: 'patched';
  readonly id: number;
  /** null when the operation changed nothing. */
  readonly patch: PackedPatch | null;
}

export interface RenderedMessage extends RenderedImage {
  readonly type: 'rendered';
  readonly id: number;
}

export type LabelCodecResponse = EncodedMessage | DecodedMessage | PatchedMessage | RenderedMessage | CodecFailedMessage;

// ---- both directions --------------------------------------------------------------------------------------

/**
 * The transfer list for a message carrying `view`: its buffer, when the view is all of it. A view into a larger
 * buffer (Node's small-Buffer pool, a caller's raster) is copied instead: transferring would take the rest too.
 */
export function transferListFor(view: Uint8Array | Uint32Array): ArrayBuffer[] {
  const { buffer } = view;
  return buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === buffer.byteLength ? [buffer] : [];
}

function hasTypeAndId(value: unknown): value is { readonly type: unknown; readonly id: number } {
  return typeof value === 'object' && value !== null && 'type' in value && 'id' in value && typeof value.id === 'number';
}

export function isLabelCodecRequest(value: unknown): value is LabelCodecRequest {
  if (!hasTypeAndId(value)) return false;
  const has = (key: string) => key in value;
  switch (value.type) {
    case 'encodeLabel':
      return has('mask') && has('width') && has('height') && has('format');
    case 'decodeLabel':
      return has('bytes') && has('classCount') && has('digest');
    case 'readMask':
      return has('bytes') && has('classCount') && has('role');
    case 'wholeImage':
      return has('width') && has('height') && has('mask') && has('operation') && has('probability') && has('predictedClasses');
    case 'replaceMask':
      return has('width') && has('height') && has('mask') && has('data');
    case 'renderImage':
      return has('bytes') && has('maxPixels');
    default:
      return false;
  }
}

export function isLabelCodecResponse(value: unknown): value is LabelCodecResponse {
  if (!hasTypeAndId(value)) return false;
  const has = (key: string) => key in value;
  switch (value.type) {
    case 'encoded':
      return has('bytes');
    case 'decoded':
      return has('width') && has('height') && has('data') && has('sha256') && has('storedAs');
    case 'patched':
      return has('patch');
    case 'rendered':
      return has('png') && has('bitDepth') && has('window');
    case 'failed':
      return has('kind') && has('message');
    default:
      return false;
  }
}
