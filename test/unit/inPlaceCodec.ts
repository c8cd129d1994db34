// A LabelCodec for document tests that runs the codec functions in place (the extension uses the codec thread,
// tested on its own in labelCodecThread.test.ts). `hold` pauses the next encodes until released, `failEncode`
// makes them fail, so tests can edit while a save is in flight or see a save fail; `holdWholeImage` pauses the
// next whole-image edits, so tests can edit while one runs.
import { createHash } from 'node:crypto';
import type { LabelCodec } from '../../src/common/labelCodecProtocol';
import { EVERY_BYTE_VALUE } from '../../src/core/greyPng';
import { readMaskPng } from '../../src/core/readMask';
import { decodeLabelPng, encodeLabelPng } from '../../src/mask/labelPng';
import { replaceMaskPatch } from '../../src/mask/operations';
import { packPatch } from '../../src/mask/packedBytes';
import { applyWholeImage } from '../../src/mask/wholeImage';
import { renderImage } from '../../src/model/renderImage';

export interface InPlaceCodec extends LabelCodec {
  /** Encodes started so far. */
  readonly encodes: number;
  /** Holds every later encode until the returned function is called. */
  hold(): () => void;
  /** Every later encode fails with this message (undefined: they succeed again). */
  failEncode: string | undefined;
  /** Holds every later whole-image edit and mask replacement until the returned function is called. */
  holdWholeImage(): () => void;
}

/** A gate that is open until `hold` closes it; the returned function opens it again. */
function gate(): { readonly passed: () => Promise<void>; hold(): () => void } {
  let closed: Promise<void> = Promise.resolve();
  return {
    passed: () => closed,
    hold() {
      let release!: () => void;
      closed = new Promise((resolve) => (release = resolve));
      return () => {
        closed = Promise.resolve();
        release();
      };
    },
  };
}

export function inPlaceCodec(): InPlaceCodec {
  const encodeGate = gate();
  const wholeImageGate = gate();
  let encodes = 0;
  const codec: InPlaceCodec = {
    get encodes() {
      return encodes;
    },
    failEncode: undefined,
    hold: () => encodeGate.hold(),
    holdWholeImage: () => wholeImageGate.hold(),
    async encodeLabel(mask, width, height, format) {
      encodes++;
      const copy = mask.slice(); // what the codec received at the call, as a transfer would
      await encodeGate.passed();
      if (codec.failEncode !== undefined) throw new Error(codec.failEncode);
      return encodeLabelPng(copy, width, height, format);
    },
    async labelPixelsSha256(bytes, classCount) {
      return createHash('sha256').update(decodeLabelPng(bytes, classCount).data).digest('hex');
    },
    async decodeLabel(bytes, classCount) {
      return decodeLabelPng(bytes, classCount);
    },
    async decodeGrey(bytes) {
      const raster = decodeLabelPng(bytes, EVERY_BYTE_VALUE);
      return { ...raster, sha256: createHash('sha256').update(raster.data).digest('hex') };
    },
    async readMask(bytes, classCount, role) {
      return readMaskPng(Buffer.from(bytes), classCount, role);
    },
    async renderImage(bytes, maxPixels) {
      return renderImage(Buffer.from(bytes), { maxPixels });
    },
    async replaceMask(mask, data) {
      await wholeImageGate.passed();
      const patch = replaceMaskPatch(mask, data);
      return patch && packPatch(patch);
    },
    async applyWholeImage(mask, operation, { probability, predictedClasses }) {
      await wholeImageGate.passed();
      return applyWholeImage(mask, operation, { ...(probability ? { probability } : {}), predictedClasses });
    },
  };
  return codec;
}
