import type { PresenceTicket } from "@viewer-presence/shared/presence-ticket";
import { TtlCache } from "@viewer-presence/shared/ttl-cache";
import { HOUR_MS } from "@viewer-presence/shared/windows";

/**
 * The viewers' indexes and tickets one isolate knows in one database, kept an epoch (an hour):
 * an index, and a ticket that carries one, name a viewer for one epoch only.
 */
export function createViewerMemory() {
  return {
    /** Viewer indexes this isolate handed out or looked up, by {@link viewerIndexKey}. */
    indexes: new TtlCache<number>(HOUR_MS, 50_000),
    /** How many indexes each stage has handed out this epoch, at least, by `<stage>|<epoch>`
     *  (presence/ticket-index.ts): tickets naming one below need no check. */
    indexCounts: new TtlCache<number>(HOUR_MS, 10_000),
    /** Tickets this isolate verified, by `<stage>|<viewer>|<ticket>`. */
    tickets: new TtlCache<PresenceTicket>(HOUR_MS, 10_000),
  };
}

export type ViewerMemory = ReturnType<typeof createViewerMemory>;

/** The key of `indexes`: a viewer's index is per stage and per epoch (hour). */
export function viewerIndexKey(stageId: string, epoch: number, viewerId: string): string {
  return `${stageId}|${epoch}|${viewerId}`;
}
