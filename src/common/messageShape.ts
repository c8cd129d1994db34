// The first checks of an untrusted message from a webview, shared by the hosts of every webview: an object
// whose `type` is one of ours and whose fields are exactly the ones that type may carry. Environment-neutral.

/** A value as an error message shows it: short, never the whole of a hostile string. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

export type MessageShape<Type extends string> = { readonly type: Type; readonly record: Readonly<Record<string, unknown>> } | { readonly error: string };

/** `fields`: per message type, every field it may have (type included). May throw on a hostile object (getters, proxies). */
export function messageShape<Type extends string>(value: unknown, fields: Readonly<Record<Type, readonly string[]>>): MessageShape<Type> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: `a message must be an object, got ${describeValue(value)}` };
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(fields, type)) return { error: `unknown message type ${describeValue(type)}` };
  const known = fields[type as Type];
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) return { error: `unexpected field "${key.slice(0, 40)}" in a '${type}' message` };
  }
  return { type: type as Type, record };
}

/** A refused message: what was wrong with it, for the log. */
export interface MessageError {
  readonly error: string;
}

export function isMessageError<T extends object>(result: T | MessageError): result is MessageError {
  return 'error' in result;
}

/** Runs a validator on an untrusted message; anything it throws (getters on a hostile object, proxies) is a refusal. */
export function refuseOnThrow<T>(parse: () => T | MessageError): T | MessageError {
  try {
    return parse();
  } catch (error) {
    return { error: `malformed message (${error instanceof Error ? error.message : String(error)})` };
  }
}
