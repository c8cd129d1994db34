// Entry point of the label codec thread (dist/labelCodec.js, a worker_threads Worker started by
// LabelCodecThread in src/worker/labelCodecClient.ts): encodes and decodes label PNGs, probability maps and
// mask PNGs for the mask editor, so the extension host's thread never does (627 ms to encode a 4096 x 4096
// label, about 5 s at 16384 x 8192), runs the editor's whole-image edits (clean-ups, threshold) and renders the
// images its page cannot decode (TIFF, 16-bit PNG). One request at a time, in arrival order; results go back
// transferred.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import {
  type LabelCodecFailureKind,
  type LabelCodecRequest,
  type LabelCodecResponse,
  isLabelCodecRequest,
  transferListFor,
} from '../common/labelCodecProtocol';
import { readMaskPng } from '../core/readMask';
import { LabelPngError, decodeLabelPng, encodeLabelPng } from '../mask/labelPng';
import { replaceMaskPatch } from '../mask/operations';
import { type PackedBytes, packPatch } from '../mask/packedBytes';
import { applyWholeImage } from '../mask/wholeImage';
import { ImageError, messageOf } from '../model/errors';
import { renderImage } from '../model/renderImage';

async function answer(request: LabelCodecRequest): Promise<LabelCodecResponse> {
  switch (request.type) {
    case 'encodeLabel': {
      const png = encodeLabelPng(request.mask, request.width, request.height, request.format);
      return { type: 'encoded', id: request.id, bytes: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
    }
    case 'decodeLabel': {
      const { width, height, data, storedAs } = decodeLabelPng(request.bytes, request.classCount);
      const sha256 = request.digest ? createHash('sha256').update(data).digest('hex') : null;
      return { type: 'decoded', id: request.id, width, height, data, sha256, storedAs: storedAs ?? null };
    }
    case 'readMask': {
      const { bytes } = request;
      const { width, height, data } = readMaskPng(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), request.classCount, request.role);
      return { type: 'decoded', id: request.id, width, height, data, sha256: null, storedAs: null };
    }
    case 'wholeImage': {
      const { width, height, mask, operation, probability, predictedClasses } = request;
      if (mask.length !== width * height) throw new RangeError(`a ${width} x ${height} mask needs ${width * height} pixels, got ${mask.length}`);
      const patch = applyWholeImage({ width, height, data: mask }, operation, { ...(probability ? { probability } : {}), predictedClasses });
      return { type: 'patched', id: request.id, patch: patch ?? null };
    }
    case 'replaceMask': {
      const { width, height, mask, data } = request;
      if (mask.length !== width * height) throw new RangeError(`a ${width} x ${height} mask needs ${width * height} pixels, got ${mask.length}`);
      const patch = replaceMaskPatch({ width, height, data: mask }, data);
      return { type: 'patched', id: request.id, patch: patch ? packPatch(patch) : null };
    }
    case 'renderImage': {
      const { bytes } = request;
      const rendered = await renderImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { maxPixels: request.maxPixels });
      return { type: 'rendered', id: request.id, ...rendered };
    }
    default: {
      const unhandled: never = request;
      throw new Error(`unknown request ${JSON.stringify(unhandled)}`);
    }
  }
}

function failureKind(error: unknown): LabelCodecFailureKind {
  if (error instanceof LabelPngError) return 'label';
  if (error instanceof ImageError) return 'mask';
  return 'internal';
}

/** The array a packed side holds its bytes in. */
const packedView = (packed: PackedBytes): Uint8Array | Uint32Array => (packed.kind === 'raw' ? packed.bytes : packed.runs);

function transferOf(response: LabelCodecResponse): ArrayBuffer[] {
  switch (response.type) {
    case 'encoded':
      return transferListFor(response.bytes);
    case 'decoded':
      return transferListFor(response.data);
    case 'patched':
      return response.patch ? [response.patch.before, response.patch.after].flatMap(packedView).flatMap(transferListFor) : [];
    case 'rendered':
      return transferListFor(response.png);
    case 'failed':
      return [];
    default: {
      const unhandled: never = response;
      throw new Error(`unknown response ${JSON.stringify(unhandled)}`);
    }
  }
}

const port = parentPort;
if (!port) {
  console.error('dist/labelCodec.js is the SegNetr label codec thread; the extension starts it, not a person.');
  process.exit(2);
}

/** Requests run one after another, in arrival order, even where one waits (a JPEG decode). */
let queue: Promise<void> = Promise.resolve();

const handle = async (request: LabelCodecRequest): Promise<void> => {
  let response: LabelCodecResponse;
  try {
    response = await answer(request);
  } catch (error) {
    response = { type: 'failed', id: request.id, kind: failureKind(error), message: messageOf(error) };
  }
  port.postMessage(response, transferOf(response));
};

port.on('message', (message: unknown) => {
  if (!isLabelCodecRequest(message)) {
    // Without an id there is no one to answer; the host never sends this.
    console.error(`label codec thread: ignored a malformed request ${String(JSON.stringify(message)).slice(0, 200)}`);
    return;
  }
  queue = queue.then(() => handle(message));
});
