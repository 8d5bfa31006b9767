/**
 * DynamoDB's item size, estimated by its published rules, so that packed items stay within one
 * write unit (1 KB). The estimate errs high, never low:
 * - an attribute costs the UTF-8 length of its name plus the size of its value;
 * - a string: its UTF-8 length; a boolean or null: 1 byte;
 * - a number: 1 byte per two significant digits, plus 1; counted here as if the digits were
 *   never aligned in pairs (one byte more for an even digit count), plus 1 for a minus sign;
 * - a list or map: 3 bytes, plus 1 byte per element, plus the elements (and a map's names).
 * Source: "DynamoDB item sizes and formats", Amazon DynamoDB Developer Guide.
 */

const encoder = new TextEncoder();

/** UTF-8 length of a string, in bytes. */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** Size of a number attribute value, in bytes (an upper bound). */
export function numberBytes(value: number): number {
  if (value === 0) return 1;
  // toExponential() keeps exactly the significant digits: 1200 -> "1.2e+3".
  const mantissa = Math.abs(value).toExponential().split("e")[0] ?? "";
  const digits = mantissa.replace(".", "").length;
  return Math.ceil((digits + 1) / 2) + 1 + (value < 0 ? 1 : 0);
}

/** Size of one attribute value (string, number, boolean, null, list or map), in bytes. */
export function valueBytes(value: unknown): number {
  if (typeof value === "string") return utf8Bytes(value);
  if (typeof value === "number") return numberBytes(value);
  if (typeof value === "boolean" || value === null) return 1;
  if (Array.isArray(value)) {
    return value.reduce<number>((sum, element) => sum + 1 + valueBytes(element), 3);
  }
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, nested]) => nested !== undefined)
      .reduce((sum, [name, nested]) => sum + 1 + utf8Bytes(name) + valueBytes(nested), 3);
  }
  throw new TypeError(`no DynamoDB size for a ${typeof value}`);
}

/** Size of a whole item (names plus values), in bytes; `undefined` attributes are not stored. */
export function itemBytes(item: object): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) size += utf8Bytes(name) + valueBytes(value);
  }
  return size;
}

/** Write units one PutItem of this size costs: 1 per started KB. */
export function writeUnitsFor(sizeBytes: number): number {
  return Math.max(1, Math.ceil(sizeBytes / 1024));
}
