import { RedisReplyError, type SyncRedis } from "../sync-redis";

type Pipeline = ReturnType<SyncRedis["pipeline"]>;

/** One round of reading: for each window still being read, its next members, in order. */
export interface WindowPage {
  /** Index of the window in the list given to {@link readWindowPages}. */
  index: number;
  members: string[];
  /** No members follow this page. */
  last: boolean;
}

/**
 * Reads watch windows (sorted sets of one score, so in byte order) in pages: each round is ONE
 * pipelined request carrying, for every window not yet finished, `ZRANGE key (<last> + BYLEX
 * LIMIT 0 <pageSize>`. An ordinary window comes back whole in the first round, one command, as
 * a ZRANGE of the whole set would; a window of a huge stage comes back in bounded pages, so
 * memory follows the page size, never the stage (and no reply nears Upstash's 10 MB cap).
 *
 * `first` may add commands to the first request; their replies are `firstReplies`. The caller
 * handles each round before the next is read (and may write meanwhile), so a run holds at most
 * one round of members.
 */
export async function* readWindowPages(
  redis: Pick<SyncRedis, "pipeline">,
  keys: readonly string[],
  pageSize: number,
  first: (pipeline: Pipeline) => void,
  firstReplies: (replies: unknown[]) => void,
): AsyncGenerator<WindowPage[]> {
  let pending = keys.map((key, index) => ({ key, index, after: "-" as string }));
  let isFirst = true;
  while (pending.length > 0 || isFirst) {
    const pipeline = redis.pipeline();
    for (const { key, after } of pending) {
      pipeline.zrange(key, after as "-", "+", { byLex: true, offset: 0, count: pageSize });
    }
    if (isFirst) first(pipeline);
    // An empty pipeline is refused by the client: only possible with no keys and no extras.
    const replies = pipeline.length() > 0 ? await pipeline.exec<unknown[]>() : [];
    if (isFirst) firstReplies(replies.slice(pending.length));
    isFirst = false;
    const round: WindowPage[] = [];
    const next: typeof pending = [];
    pending.forEach((window, i) => {
      const reply = replies[i];
      if (!Array.isArray(reply)) throw new RedisReplyError("ZRANGE", reply);
      const members = reply.map(String);
      const last = members.length < pageSize;
      round.push({ index: window.index, members, last });
      if (!last) next.push({ ...window, after: `(${members.at(-1)}` });
    });
    pending = next;
    if (round.length > 0) yield round;
  }
}
