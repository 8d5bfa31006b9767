/**
 * What a presence shard's alarm does, decided from what it knows (edge/presence-shard.ts). Kept
 * pure so the rule is tested without an object or a clock.
 *
 * Two costs pull apart here. Counts on a page should follow a join or a leave within about a
 * second; a flush to Upstash is about 9 billed commands and, when it carries every viewer, about
 * 20 bytes a viewer. So the shard pushes its own joins and leaves to its pages at once from what
 * it knows (the last exact count plus its own changes since), and writes to Redis:
 * - once a slot, every viewer (the slot's bitmap needs every present viewer's bit);
 * - between those, at most once per `gapMs`, only what changed: viewers without an index yet,
 *   viewers who started playing, and leaves. The first change after a quiet gap goes at once
 *   (a small room's API count follows within about a second); a busy shard's changes wait for
 *   the gap, so its Redis cost is bounded by time, not by its audience's churn.
 */

/** A join's, leave's or play's count reaches the shard's pages this soon; a burst shares one. */
export const PUSH_WITHIN_MS = 1_000;

export interface ShardClock {
  nowMs: number;
  /** Whether the current slot was written already with every viewer. */
  slotWritten: boolean;
  /** Whether anything waits to be written: new viewers, plays, leaves. */
  changes: boolean;
  /** When the last flush between slots went (epoch ms); undefined when none did yet. */
  lastEarlyFlushMs: number | undefined;
  /** SOCKET_FLUSH_GAP_SEC in ms. */
  gapMs: number;
  /** When the next once-a-slot flush is due (epoch ms). */
  nextRegularMs: number;
}

export type AlarmPlan =
  /** Write to Redis: every viewer (`full`, the slot's write) or only what changed. */
  | { kind: "flush"; full: boolean }
  /** Push the shard's own count to its pages, and ring again at `nextAlarmMs`. */
  | { kind: "push"; nextAlarmMs: number };

export function planAlarm(clock: ShardClock): AlarmPlan {
  if (!clock.slotWritten) return { kind: "flush", full: true };
  if (!clock.changes) return { kind: "push", nextAlarmMs: clock.nextRegularMs };
  const earlyAllowedMs = (clock.lastEarlyFlushMs ?? Number.NEGATIVE_INFINITY) + clock.gapMs;
  if (clock.nowMs >= earlyAllowedMs) return { kind: "flush", full: false };
  return { kind: "push", nextAlarmMs: Math.min(earlyAllowedMs, clock.nextRegularMs) };
}

/**
 * The stage's count as the shard knows it between flushes: the last count Redis answered, with
 * the shard's own viewers then replaced by its viewers now. Exact for the shard's own joins and
 * leaves; other shards' and HTTP viewers' changes arrive with the next flush's count.
 */
export function localCount(
  lastCount: number,
  viewersAtLastCount: number,
  viewersNow: number,
): number {
  return Math.max(viewersNow, lastCount - viewersAtLastCount + viewersNow);
}
