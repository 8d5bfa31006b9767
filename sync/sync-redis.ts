import type { Redis } from "@upstash/redis";

/**
 * The Redis calls the sync job makes, narrowed from the Upstash REST client. Pipelines carry
 * the per-key reads and writes (ZRANGE, ZCOUNT, ZREMRANGEBYSCORE, SET, SADD), so a run costs
 * one HTTP request per batch rather than one per key.
 *
 * The client must return raw replies (`automaticDeserialization: false`, as `createRedis` in
 * shared/clients.ts builds it): the default deserializer JSON-parses stream values, which turns
 * a viewer id such as `1e5` into `100000`. The readers below refuse a deserialized reply
 * instead of guessing.
 */
export type SyncRedis = Pick<
  Redis,
  | "set"
  | "get"
  | "scan"
  | "sscan"
  | "srem"
  | "sadd"
  | "pipeline"
  | "del"
  | "smembers"
  | "xrange"
  | "xdel"
>;

/** Thrown when a reply has a shape the raw protocol never produces (a misbuilt client). */
export class RedisReplyError extends Error {
  override readonly name = "RedisReplyError";
  readonly code = "redis_reply_shape";
  constructor(what: string, reply: unknown) {
    super(
      `unexpected ${what} reply (${JSON.stringify(reply)?.slice(0, 80)}); build the client with automaticDeserialization: false (createRedis)`,
    );
  }
}

/** One entry of a stream: its id (`<ms>-<seq>`) and its fields. */
export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

/** A XRANGE reply (`[[id, [field, value, ...]], ...]`) as entries, in stream order. */
export function streamEntries(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) throw new RedisReplyError("XRANGE", reply);
  return reply.map((entry: unknown) => {
    if (!Array.isArray(entry) || !Array.isArray(entry[1])) {
      throw new RedisReplyError("XRANGE", reply);
    }
    const raw = entry[1] as unknown[];
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < raw.length; i += 2) fields[String(raw[i])] = String(raw[i + 1]);
    return { id: String(entry[0]), fields };
  });
}

/** A SCAN (or HSCAN) reply as the next cursor and the keys (or fields and values) of this page. */
export function scanPage(reply: unknown): { cursor: string; keys: string[] } {
  if (!Array.isArray(reply) || !Array.isArray(reply[1])) throw new RedisReplyError("SCAN", reply);
  return { cursor: String(reply[0]), keys: (reply[1] as unknown[]).map(String) };
}

/** Every key matching `pattern`, one SCAN per page of `count` keys examined. */
export async function scanKeys(
  redis: Pick<SyncRedis, "scan">,
  pattern: string,
  count = 1000,
): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = "0";
  do {
    const page = scanPage(await redis.scan(cursor, { match: pattern, count }));
    for (const key of page.keys) keys.add(key);
    cursor = page.cursor;
  } while (cursor !== "0");
  // SCAN may return a key twice while the keyspace is rehashing; the set keeps it once.
  return [...keys];
}
