import type { IsolateState } from "../isolate/isolate-state";

/**
 * Whether a ticket's index can be trusted without asking Redis. A ticket's MAC is keyed with the
 * viewer-token secret, which the operator's backends hold too, so a ticket made outside the edge
 * can name any index, and a BITFIELD at index 999,999,999 grows the slot's bitmap to 250 MB for a
 * week. Indexes below the number this isolate has seen handed out on the stage this epoch (in
 * this database) name real viewers; any other is checked against the index list by
 * HEARTBEAT_SCRIPT before it writes (LLEN, and MGET m g when the stage is not checked anyway),
 * which also tells the isolate the list's length: about once per isolate per stage for the
 * viewers who joined since it last learnt it.
 */
export function ticketIndexVouched(
  isolate: IsolateState,
  stageId: string,
  epoch: number,
  index: number,
  nowMs: number,
): boolean {
  return index < (isolate.viewers.indexCounts.get(indexCountKey(stageId, epoch), nowMs) ?? 0);
}

/** Records that the stage's index list holds at least `count` indexes this epoch. */
export function learnIndexCount(
  isolate: IsolateState,
  stageId: string,
  epoch: number,
  count: number,
  nowMs: number,
): void {
  const key = indexCountKey(stageId, epoch);
  if (count > (isolate.viewers.indexCounts.get(key, nowMs) ?? 0))
    isolate.viewers.indexCounts.set(key, count, nowMs);
}

function indexCountKey(stageId: string, epoch: number): string {
  return `${stageId}|${epoch}`;
}
