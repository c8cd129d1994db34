// Every message from the failure view's page is untrusted input: checked here, field by field, before the host
// acts on it. Never throws; returns a fresh message holding only the known fields, or { error }.
import { type FailureViewToHostMessage, REPORT_FILE_KINDS } from '../common/failureProtocol';
import { type MessageError, describeValue, isMessageError, messageShape, refuseOnThrow } from '../common/messageShape';

/** `stale`: a click on a report the view no longer shows (its version is not the current one). */
export type FailureMessageResult = FailureViewToHostMessage | { readonly error: string } | { readonly stale: true };

const FIELDS: Readonly<Record<FailureViewToHostMessage['type'], readonly string[]>> = {
  ready: ['type'],
  openCase: ['type', 'index', 'order', 'version'],
  openReport: ['type', 'file'],
};

export function isFailureMessageError(result: FailureMessageResult): result is MessageError {
  return isMessageError(result);
}

/**
 * `rows`: how many images the report has (an 'openCase' index must name one of them); `version`: the report's
 * (see the 'show' message), which an 'openCase' must carry.
 */
export function parseFailureViewMessage(value: unknown, rows: number, version: number): FailureMessageResult {
  return refuseOnThrow(() => parse(value, rows, version));
}

function parse(value: unknown, rows: number, currentVersion: number): FailureMessageResult {
  const shape = messageShape(value, FIELDS);
  if ('error' in shape) return shape;
  const { record } = shape;
  switch (shape.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openCase': {
      // The version first: a click that crossed a new (shorter) report is stale, not hostile.
      const version = record.version;
      if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return { error: `openCase version must be a non-negative integer, got ${describeValue(version)}` };
      if (version !== currentVersion) return { stale: true };
      const index = record.index;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= rows) {
        return { error: `openCase index must be an integer in [0, ${rows}), got ${describeValue(index)}` };
      }
      if (record.order === undefined) return { type: 'openCase', index, version };
      const order = record.order;
      if (!Array.isArray(order) || order.length > rows) return { error: `openCase order must be a list of at most ${rows} case indexes` };
      const seen = new Set<number>();
      for (const i of order) {
        if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= rows || seen.has(i)) {
          return { error: `openCase order must hold distinct integers in [0, ${rows}), got ${describeValue(i)}` };
        }
        seen.add(i);
      }
      if (!seen.has(index)) return { error: 'openCase order must include the case it opens' };
      return { type: 'openCase', index, order: [...order] as number[], version };
    }
    case 'openReport': {
      const file = record.file;
      if (!(REPORT_FILE_KINDS as readonly unknown[]).includes(file)) return { error: `openReport file must be one of ${REPORT_FILE_KINDS.join(', ')}, got ${describeValue(file)}` };
      return { type: 'openReport', file: file as (typeof REPORT_FILE_KINDS)[number] };
    }
  }
}
