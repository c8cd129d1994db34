// Every message from the mask editor's webview is untrusted input (a compromised or buggy page can post
// anything): it is checked here, field by field, before it reaches the document. Never throws; returns a fresh
// message holding only the known fields, or { error } saying what is wrong.
import type { WebviewToHostMessage } from '../common/editorProtocol';
import { describeValue, isMessageError, messageShape, refuseOnThrow } from '../common/messageShape';
import { type MaskOperationLimits, isParseError, parseMaskOperation } from '../mask/validate';

export type MessageParseResult = WebviewToHostMessage | { readonly error: string };

/** Longest error detail the webview may report (it only goes to the log). */
const MAX_DETAIL_LENGTH = 500;

const FIELDS: Readonly<Record<WebviewToHostMessage['type'], readonly string[]>> = {
  ready: ['type'],
  edit: ['type', 'id', 'operation', 'seen'],
  predict: ['type'],
  loadProbability: ['type'],
  review: ['type', 'decision'],
  navigate: ['type', 'direction'],
  loadFailed: ['type', 'what', 'detail'],
  usePrediction: ['type', 'threshold'],
};

export { isMessageError };

export function parseWebviewMessage(value: unknown, limits: MaskOperationLimits): MessageParseResult {
  return refuseOnThrow(() => parse(value, limits));
}

function parse(value: unknown, limits: MaskOperationLimits): MessageParseResult {
  const shape = messageShape(value, FIELDS);
  if ('error' in shape) return shape;
  const { record } = shape;
  switch (shape.type) {
    case 'ready':
      return { type: 'ready' };
    case 'predict':
      return { type: 'predict' };
    case 'loadProbability':
      return { type: 'loadProbability' };
    case 'edit': {
      const id = record.id;
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return { error: `edit id must be a non-negative integer, got ${describeValue(id)}` };
      const operation = parseMaskOperation(record.operation, limits);
      if (isParseError(operation)) return { error: `edit ${id}: ${operation.error}` };
      const seen = record.seen;
      if (typeof seen !== 'number' || !Number.isSafeInteger(seen) || seen < 0) return { error: `edit ${id}: seen must be a non-negative integer, got ${describeValue(seen)}` };
      return { type: 'edit', id, operation, seen };
    }
    case 'review': {
      const decision = record.decision;
      if (decision !== 'accept' && decision !== 'reject') return { error: `review decision must be 'accept' or 'reject', got ${describeValue(decision)}` };
      return { type: 'review', decision };
    }
    case 'navigate': {
      const direction = record.direction;
      if (direction !== 'next' && direction !== 'previous') return { error: `navigate direction must be 'next' or 'previous', got ${describeValue(direction)}` };
      return { type: 'navigate', direction };
    }
    case 'loadFailed': {
      if (record.what !== 'image') return { error: `loadFailed.what must be 'image', got ${describeValue(record.what)}` };
      if (typeof record.detail !== 'string') return { error: `loadFailed.detail must be a string, got ${describeValue(record.detail)}` };
      return { type: 'loadFailed', what: 'image', detail: record.detail.slice(0, MAX_DETAIL_LENGTH) };
    }
    case 'usePrediction': {
      const threshold = record.threshold;
      if (threshold !== null && (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 0 || threshold > 255)) {
        return { error: `usePrediction threshold must be null or an integer 0..255, got ${describeValue(threshold)}` };
      }
      return { type: 'usePrediction', threshold };
    }
  }
}
