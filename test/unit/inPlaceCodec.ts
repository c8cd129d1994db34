// A LabelCodec for document tests that runs the codec functions in place (the extension uses the codec thread,
// tested on its own in labelCodecThread.test.ts). `hold` pauses the next encodes until released, `failEncode`
// makes them fail, so tests can edit while a save is in flight or see a save fail.
import { createHash } from 'node:crypto';
import type { LabelCodec } from '../../src/common/labelCodecProtocol';
import { EVERY_BYTE_VALUE } from '../../src/core/greyPng';
import { readMaskPng } from '../../src/core/readMask';
import { decodeLabelPng, encodeLabelPng } from '../../src/mask/labelPng';

export interface InPlaceCodec extends LabelCodec {
  /** Encodes started so far. */
  readonly encodes: number;
  /** Holds every later encode until the returned function is called. */
  hold(): () => void;
  /** Every later encode fails with this message (undefined: they succeed again). */
  failEncode: string | undefined;
}

export function inPlaceCodec(): InPlaceCodec {
  let gate: Promise<void> = Promise.resolve();
  let encodes = 0;
  const codec: InPlaceCodec = {
    get encodes() {
      return encodes;
    },
    failEncode: undefined,
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = Promise.resolve();
        release();
      };
    },
    async encodeLabel(mask, width, height, format) {
      encodes++;
      const copy = mask.slice(); // what the codec received at the call, as a transfer would
      await gate;
      if (codec.failEncode !== undefined) throw new Error(codec.failEncode);
      return encodeLabelPng(copy, width, height, format);
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
  };
  return codec;
}
