import type { SyncRedis } from "./sync-redis";
import { scanPage } from "./sync-redis";

type Pipeline = ReturnType<SyncRedis["pipeline"]>;

/**
 * Reads whole hashes in pipelined HSCAN pages of about `pageFields` fields each: every round is
 * one request carrying one HSCAN per hash not yet finished. A small hash (up to 128 fields, kept
 * as a listpack) comes back whole in the first page, so an ordinary window costs one command,
 * as HGETALL would; a window of a very large stage comes back in bounded pages instead of one
 * reply that Upstash would refuse (its limit is 10 MB per request on Free and Pay as you go:
 * 100 000 viewers-slots of a 10 000-viewer stage already make about 3 MB).
 *
 * `first` may add commands to the first request (their replies come back in `firstReplies`).
 * A field seen twice (SCAN may repeat while Redis rehashes) is kept once.
 */
export async function readHashes(
  redis: Pick<SyncRedis, "pipeline">,
  keys: readonly string[],
  pageFields: number,
  first: (pipeline: Pipeline) => void = () => {},
): Promise<{ hashes: Map<string, [string, string][]>; firstReplies: unknown[] }> {
  const fields = new Map(keys.map((key) => [key, new Map<string, string>()]));
  let pending = keys.map((key) => ({ key, cursor: "0" }));
  let firstReplies: unknown[] | undefined;
  while (pending.length > 0 || firstReplies === undefined) {
    const pipeline = redis.pipeline();
    for (const { key, cursor } of pending) pipeline.hscan(key, cursor, { count: pageFields });
    if (firstReplies === undefined) first(pipeline);
    // An empty pipeline is refused by the client: only possible with no keys and no extras.
    const replies = pipeline.length() > 0 ? await pipeline.exec<unknown[]>() : [];
    firstReplies ??= replies.slice(pending.length);
    const next: typeof pending = [];
    pending.forEach(({ key }, i) => {
      const page = scanPage(replies[i]);
      const hash = fields.get(key)!;
      for (let j = 0; j + 1 < page.keys.length; j += 2) hash.set(page.keys[j]!, page.keys[j + 1]!);
      if (page.cursor !== "0") next.push({ key, cursor: page.cursor });
    });
    pending = next;
  }
  const hashes = new Map([...fields].map(([key, hash]) => [key, [...hash]]));
  return { hashes, firstReplies };
}
