import { unwrap } from "../api";
import { h, replaceChildren } from "../dom";
import { formatCount, formatDecimal, formatMoment, formatWatchTime } from "../format";
import type { PageContext } from "../page";

const PAGE_SIZE = 20;

/**
 * The Stage page's broadcasts (listBroadcasts): one row per time the stage went live, newest
 * first, a page at a time. A broadcast's figures are written by the sync job a few minutes after
 * it ends (until then they read 0); while it is live the row shows "…" rather than zeros, and
 * the live audience is the chart above.
 */
export function broadcastsSection(context: PageContext, stageId: string): HTMLElement {
  const body = h("tbody");
  const more = h("button", { type: "button", hidden: true }, "Older broadcasts");
  const section = h(
    "section",
    { class: "card", id: "broadcasts" },
    h("h2", {}, "Broadcasts"),
    h(
      "div",
      { class: "scroll" },
      h(
        "table",
        {},
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Started"),
            h("th", { scope: "col" }, "Ended"),
            h("th", { scope: "col", class: "num" }, "Peak"),
            h("th", { scope: "col" }, "Peak at"),
            h("th", { scope: "col", class: "num" }, "Average"),
            h("th", { scope: "col", class: "num" }, "Unique viewers"),
            h("th", { scope: "col", class: "num" }, "Watch time"),
            h("th", { scope: "col", class: "num" }, "Per viewer"),
          ),
        ),
        body,
      ),
    ),
    more,
  );
  let cursor: string | undefined;

  async function loadPage() {
    try {
      const page = await unwrap(
        context.client.GET("/v1/stages/{stageId}/broadcasts", {
          params: { path: { stageId }, query: { limit: PAGE_SIZE, cursor } },
        }),
      );
      if (cursor === undefined && page.items.length === 0) {
        replaceChildren(
          body,
          h("tr", {}, h("td", { colspan: "8" }, "No broadcast recorded for this stage.")),
        );
      }
      for (const broadcast of page.items) {
        const figure = (text: string) => (broadcast.endedAt === null ? "…" : text);
        body.appendChild(
          h(
            "tr",
            { "data-broadcast": broadcast.broadcastId },
            h("td", {}, formatMoment(broadcast.startedAt)),
            h("td", {}, broadcast.endedAt === null ? "live" : formatMoment(broadcast.endedAt)),
            h("td", { class: "num" }, figure(formatCount(broadcast.peakViewers))),
            h("td", {}, broadcast.peakAt === null ? "—" : formatMoment(broadcast.peakAt)),
            h("td", { class: "num" }, figure(formatDecimal(broadcast.averageViewers))),
            h("td", { class: "num" }, figure(formatCount(broadcast.uniqueViewers))),
            h("td", { class: "num" }, figure(formatWatchTime(broadcast.secondsWatched))),
            h("td", { class: "num" }, figure(formatWatchTime(broadcast.averageSecondsPerViewer))),
          ),
        );
      }
      cursor = page.nextCursor ?? undefined;
      more.hidden = cursor === undefined;
    } catch (error) {
      context.report(error);
    }
  }

  more.addEventListener("click", () => void loadPage());
  void loadPage();
  return section;
}
