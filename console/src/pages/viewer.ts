import { h } from "../dom";
import type { Page, PageContext } from "../page";

/**
 * Viewer: one viewer's watch time per stage over a month, for billing.
 *
 * NOT WIRED IN THIS BUILD: it needs `getViewerWatchTime` (GET /v1/viewers/{viewerId}/watch-time
 * ?from&to → { viewerId, from, to, totalSeconds, stages: [{ stageId, seconds }] }), which is
 * not in the contract yet. Once it is, make this page a form (viewer id, month) that calls
 * `context.client.GET("/v1/viewers/{viewerId}/watch-time", …)` and shows the total and one row
 * per stage (formatWatchTime in ../format.ts); the router (main.ts, `#/viewers`) already
 * reaches it.
 */
export function viewerPage(_context: PageContext): Page {
  return {
    title: "Viewer",
    element: h(
      "div",
      { class: "page viewer" },
      h("h1", {}, "Viewer watch time"),
      h(
        "section",
        { id: "viewer-watch-time", class: "card unavailable" },
        h(
          "p",
          {},
          "Not available in this build: the API has no per-viewer watch time operation yet (getViewerWatchTime). ",
          "Meanwhile a stage's viewing records (on its page) list each viewer's seconds per 5-minute window.",
        ),
      ),
    ),
    dispose() {},
  };
}
