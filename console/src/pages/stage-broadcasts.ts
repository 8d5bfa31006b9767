import { h } from "../dom";
import type { PageContext } from "../page";

/**
 * The Stage page's broadcasts section.
 *
 * NOT WIRED IN THIS BUILD: it needs `listBroadcasts` (GET /v1/stages/{stageId}/broadcasts →
 * `{ items: Broadcast[], nextCursor }`, Broadcast = { broadcastId, startedAt, endedAt,
 * peakViewers, peakAt, averageViewers, uniqueViewers, secondsWatched,
 * averageSecondsPerViewer }), which is not in the contract yet. Once it is (and
 * `npm run openapi` has regenerated the types), replace the body of this function with a table
 * of `context.client.GET("/v1/stages/{stageId}/broadcasts", …)`'s items, paged on `nextCursor`,
 * one row per broadcast (start, end or "live", peak and when, average, unique viewers, watch
 * time, per viewer); the Stage page already places and disposes of it.
 */
export function broadcastsSection(_context: PageContext, _stageId: string): HTMLElement {
  return h(
    "section",
    { id: "broadcasts", class: "card unavailable" },
    h("h2", {}, "Broadcasts"),
    h(
      "p",
      {},
      "Not available in this build: the API has no broadcasts operation yet (listBroadcasts).",
    ),
  );
}
