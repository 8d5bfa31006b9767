/**
 * A small RESP2 codec: commands out as arrays of bulk strings, replies in as plain values.
 * Bulk strings stay Buffers so that values are binary-safe end to end; only the proxy decides
 * how to show them (UTF-8 text or base64).
 */

/** A status reply (`+OK`, `+QUEUED`, `+string` from TYPE), kept apart from bulk strings. */
export class SimpleString {
  constructor(readonly value: string) {}
}

/** An error reply (`-ERR ...`, `-NOSCRIPT ...`): a value Redis sent, not an exception. */
export class RespError {
  constructor(readonly message: string) {}
}

export type RespValue = SimpleString | RespError | number | Buffer | null | RespValue[];

const CRLF = Buffer.from("\r\n");

/** Encodes one command as a RESP array of bulk strings; lengths are counted in bytes. */
export function encodeCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === "string" ? Buffer.from(arg, "utf8") : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

/**
 * Parses one reply starting at `offset`. Returns `undefined` when `buf` does not yet hold the
 * whole reply (read more and call again from the same offset).
 */
export function parseReply(
  buf: Buffer,
  offset: number,
): { value: RespValue; next: number } | undefined {
  const lineEnd = buf.indexOf(CRLF, offset);
  if (lineEnd === -1) return undefined;
  const type = String.fromCharCode(buf[offset] ?? 0);
  const line = buf.toString("utf8", offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (type) {
    case "+":
      return { value: new SimpleString(line), next: afterLine };
    case "-":
      return { value: new RespError(line), next: afterLine };
    case ":":
      return { value: Number(line), next: afterLine };
    case "$": {
      const length = Number(line);
      if (length < 0) return { value: null, next: afterLine };
      const end = afterLine + length;
      if (buf.length < end + 2) return undefined;
      return { value: Buffer.from(buf.subarray(afterLine, end)), next: end + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { value: null, next: afterLine };
      const items: RespValue[] = [];
      let next = afterLine;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next);
        if (item === undefined) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`RESP protocol error: unexpected reply type ${JSON.stringify(type)}`);
  }
}
