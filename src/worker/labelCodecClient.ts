// Used by the extension host: the LabelCodec the mask editor saves, opens and backs up with. It runs the codec in a
// worker_threads thread (dist/labelCodec.js), started on first use and kept for the next request; an idle
// thread does not keep the process alive. A thread that dies (out of memory, a bug) fails its pending requests
// with a message saying so, and the next request starts a fresh one. Replies carry their pixels transferred,
// so the host's thread only posts and receives messages.
import { Worker } from 'node:worker_threads';
import {
  type CodecPixels,
  type DecodedMessage,
  type LabelCodec,
  type LabelCodecRequest,
  type LabelCodecResponse,
  type MaskRole,
  type WholeImageContext,
  isLabelCodecResponse,
  transferListFor,
} from '../common/labelCodecProtocol';
import type { LabelFormat } from '../common/prelabel';
import { EVERY_BYTE_VALUE } from '../core/greyPng';
import { LabelPngError } from '../mask/labelPng';
import type { PackedPatch } from '../mask/packedBytes';
import type { RenderedImage } from '../model/renderImage';
import type { DecodedLabel, MaskOperation } from '../mask/types';
import { ImageError } from '../model/errors';

export interface LabelCodecThreadOptions {
  /** Absolute path of dist/labelCodec.js. */
  readonly script: string;
  readonly log?: (line: string) => void;
}

interface Pending {
  readonly resolve: (response: Exclude<LabelCodecResponse, { type: 'failed' }>) => void;
  readonly reject: (error: Error) => void;
}

/** Requests without their id: the client numbers them. */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

export class LabelCodecThread implements LabelCodec {
  private thread: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;

  constructor(private readonly options: LabelCodecThreadOptions) {}

  async encodeLabel(mask: Uint8Array, width: number, height: number, format: LabelFormat, options: { readonly transfer?: boolean } = {}): Promise<Uint8Array> {
    const response = await this.call({ type: 'encodeLabel', mask, width, height, format }, options.transfer ? transferListFor(mask) : []);
    if (response.type !== 'encoded') throw new Error(`the label codec thread answered an encode with ${response.type}`);
    return response.bytes;
  }

  async decodeLabel(bytes: Uint8Array, classCount: number): Promise<DecodedLabel> {
    const { width, height, data, storedAs } = await this.decoded({ type: 'decodeLabel', bytes, classCount, digest: false });
    return { width, height, data, storedAs: storedAs ?? undefined };
  }

  async labelPixelsSha256(bytes: Uint8Array, classCount: number): Promise<string> {
    const { sha256 } = await this.decoded({ type: 'decodeLabel', bytes, classCount, digest: true });
    if (sha256 === null) throw new Error('the label codec thread answered a digest request without the digest');
    return sha256;
  }

  async decodeGrey(bytes: Uint8Array): Promise<CodecPixels & { readonly sha256: string }> {
    const { width, height, data, sha256 } = await this.decoded({ type: 'decodeLabel', bytes, classCount: EVERY_BYTE_VALUE, digest: true });
    if (sha256 === null) throw new Error('the label codec thread answered a digest request without the digest');
    return { width, height, data, sha256 };
  }

  async readMask(bytes: Uint8Array, classCount: number, role: MaskRole): Promise<CodecPixels> {
    const { width, height, data } = await this.decoded({ type: 'readMask', bytes, classCount, role });
    return { width, height, data };
  }

  async applyWholeImage(mask: CodecPixels, operation: MaskOperation, context: WholeImageContext): Promise<PackedPatch | undefined> {
    const { width, height, data } = mask;
    const { probability, predictedClasses } = context;
    const transfer = [data, probability, predictedClasses].flatMap((view) => (view ? transferListFor(view) : []));
    const response = await this.call({ type: 'wholeImage', width, height, mask: data, operation, probability, predictedClasses }, transfer);
    if (response.type !== 'patched') throw new Error(`the label codec thread answered a whole-image edit with ${response.type}`);
    return response.patch ?? undefined;
  }

  async replaceMask(mask: CodecPixels, data: Uint8Array): Promise<PackedPatch | undefined> {
    const { width, height } = mask;
    const response = await this.call({ type: 'replaceMask', width, height, mask: mask.data, data }, [...transferListFor(mask.data), ...transferListFor(data)]);
    if (response.type !== 'patched') throw new Error(`the label codec thread answered a mask replacement with ${response.type}`);
    return response.patch ?? undefined;
  }

  async renderImage(bytes: Uint8Array, maxPixels: number): Promise<RenderedImage> {
    const response = await this.call({ type: 'renderImage', bytes, maxPixels }, transferListFor(bytes));
    if (response.type !== 'rendered') throw new Error(`the label codec thread answered a rendering with ${response.type}`);
    const { png, bitDepth, window } = response;
    return { png, bitDepth, window };
  }

  /** Stops the thread; pending requests fail and later ones are refused. */
  dispose(): void {
    this.disposed = true;
    void this.thread?.terminate();
    this.thread = undefined;
    this.failAll(new Error('The SegNetr label codec was shut down.'));
  }

  /** Decoding requests send a copy of the file's bytes (a few MB at most): the caller still hashes or keeps them. */
  private async decoded(request: Unnumbered<Extract<LabelCodecRequest, { type: 'decodeLabel' | 'readMask' }>>): Promise<DecodedMessage> {
    const response = await this.call(request, []);
    if (response.type !== 'decoded') throw new Error(`the label codec thread answered a decode with ${response.type}`);
    return response;
  }

  private call(request: Unnumbered<LabelCodecRequest>, transfer: ArrayBuffer[]): Promise<Exclude<LabelCodecResponse, { type: 'failed' }>> {
    if (this.disposed) return Promise.reject(new Error('The SegNetr label codec has been shut down.'));
    const thread = this.ensureThread();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      try {
        thread.postMessage({ ...request, id }, transfer);
      } catch (error) {
        reject(new Error(`Could not hand the request to the label codec thread: ${error instanceof Error ? error.message : String(error)}`));
        return;
      }
      this.pending.set(id, { resolve, reject });
      thread.ref();
    });
  }

  private ensureThread(): Worker {
    if (this.thread) return this.thread;
    const thread = new Worker(this.options.script, { name: 'segnetr-label-codec' });
    this.thread = thread;
    thread.on('message', (message: unknown) => {
      if (isLabelCodecResponse(message)) this.receive(thread, message);
      else this.options.log?.(`the label codec thread sent an unrecognised message: ${String(JSON.stringify(message)).slice(0, 200)}`);
    });
    thread.on('error', (error) => this.threadDied(thread, describeThreadError(error, this.options.script)));
    thread.on('exit', (code) => this.threadDied(thread, `The SegNetr label codec thread stopped (exit code ${code}).`));
    thread.unref();
    return thread;
  }

  private receive(thread: Worker, message: LabelCodecResponse): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) thread.unref();
    switch (message.type) {
      case 'encoded':
      case 'decoded':
      case 'patched':
      case 'rendered':
        pending.resolve(message);
        return;
      case 'failed':
        pending.reject(errorFor(message.kind, message.message));
        return;
      default: {
        const unhandled: never = message;
        pending.reject(new Error(`the label codec thread sent ${JSON.stringify(unhandled)}`));
      }
    }
  }

  private threadDied(thread: Worker, reason: string): void {
    if (this.thread !== thread) return;
    this.thread = undefined;
    if (this.pending.size > 0) this.options.log?.(reason);
    this.failAll(new Error(`${reason} It restarts on the next request.`));
  }

  private failAll(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }
}

function errorFor(kind: Extract<LabelCodecResponse, { type: 'failed' }>['kind'], message: string): Error {
  switch (kind) {
    case 'label':
      return new LabelPngError(message);
    case 'mask':
      return new ImageError(message);
    case 'internal':
      return new Error(message);
    default: {
      const unhandled: never = kind;
      return new Error(`${message} (${String(unhandled)})`);
    }
  }
}

function describeThreadError(error: Error, script: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'The SegNetr label codec thread ran out of memory (a label too large for this machine?).';
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module/.test(error.message)) {
    return `The SegNetr label codec thread could not start: ${script} is missing (is the extension built?).`;
  }
  return `The SegNetr label codec thread failed: ${error.message}.`;
}
