import type { Config } from "@viewer-presence/shared/config";
import type { PresenceTicket, TicketSigner } from "@viewer-presence/shared/presence-ticket";
import { epochAt } from "@viewer-presence/shared/slot-bitmaps";
import type { Shard } from "../env";
import type { IsolateState } from "../isolate/isolate-state";

/**
 * The ticket, when it is this signer's, for this stage and viewer, of this epoch, and of the
 * data generation in force (when this isolate knows it yet: a fresh isolate learns it from the
 * registry check riding on this very heartbeat). A ticket of the epoch before that carries a
 * next index (handed out early, next-epoch-index.ts) is valid too, as that index's ticket for
 * this epoch. Anything else is no ticket: the heartbeat looks the viewer up instead. Verified
 * tickets are remembered by the isolate. Its index is checked when the heartbeat is recorded
 * (ticket-index.ts).
 */
export async function validTicket(
  isolate: IsolateState,
  signer: TicketSigner,
  text: string,
  { stageId, viewerId, nowMs }: { stageId: string; viewerId: string; nowMs: number },
): Promise<PresenceTicket | undefined> {
  const cacheKey = `${stageId}|${viewerId}|${text}`;
  let ticket = isolate.viewers.tickets.get(cacheKey, nowMs);
  if (ticket === undefined) {
    ticket = await signer.verify(text, stageId, viewerId);
    if (ticket === undefined) return undefined;
    isolate.viewers.tickets.set(cacheKey, ticket, nowMs);
  }
  const generation = isolate.registry.view.generation;
  if (generation !== undefined && ticket.generation !== generation) return undefined;
  const epoch = epochAt(nowMs);
  if (ticket.epoch === epoch) return ticket;
  if (ticket.epoch + 1 !== epoch || ticket.nextIndex === undefined) return undefined;
  return { epoch, index: ticket.nextIndex, generation: ticket.generation };
}

/**
 * What a presence ticket is signed for: the stage, and for a spread stage's database other than
 * its home also that database (its URL), since an index names a viewer in one database only.
 */
export function ticketScope(stageId: string, shard: Shard, home: Shard, config: Config): string {
  if (shard.database === home.database) return stageId;
  return `${stageId}\n${config.redisDatabases[shard.database]!.url}`;
}
