// Every message from the failure view's page is untrusted input: checked here, field by field, before the host
// acts on it. Never throws; returns a fresh message holding only the known fields, or { error }.
import { type FailureViewToHostMessage, REPORT_FILE_KINDS } from '../common/failureProtocol';

export type FailureMessageResult = FailureViewToHostMessage | { readonly error: string };

const FIELDS: Readonly<Record<FailureViewToHostMessage['type'], readonly string[]>> = {
  ready: ['type'],
  openCase: ['type', 'index'],
  openReport: ['type', 'file'],
};

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

export function isFailureMessageError(result: FailureMessageResult): result is { readonly error: string } {
  return 'error' in result;
}

/** `rows`: how many images the report has (an 'openCase' index must name one of them). */
export function parseFailureViewMessage(value: unknown, rows: number): FailureMessageResult {
  try {
    return parse(value, rows);
  } catch (error) {
    return { error: `malformed message (${error instanceof Error ? error.message : String(error)})` };
  }
}

function parse(value: unknown, rows: number): FailureMessageResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: `a message must be an object, got ${describe(value)}` };
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(FIELDS, type)) return { error: `unknown message type ${describe(type)}` };
  const known = FIELDS[type as FailureViewToHostMessage['type']];
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) return { error: `unexpected field "${key.slice(0, 40)}" in a '${type}' message` };
  }
  switch (type as FailureViewToHostMessage['type']) {
    case 'ready':
      return { type: 'ready' };
    case 'openCase': {
      const index = record.index;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= rows) {
        return { error: `openCase index must be an integer in [0, ${rows}), got ${describe(index)}` };
      }
      return { type: 'openCase', index };
    }
    case 'openReport': {
      const file = record.file;
      if (!(REPORT_FILE_KINDS as readonly unknown[]).includes(file)) return { error: `openReport file must be one of ${REPORT_FILE_KINDS.join(', ')}, got ${describe(file)}` };
      return { type: 'openReport', file: file as (typeof REPORT_FILE_KINDS)[number] };
    }
  }
}
