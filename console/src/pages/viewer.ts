import { unwrap } from "../api";
import { h, replaceChildren } from "../dom";
import { formatWatchTime } from "../format";
import type { Page, PageContext } from "../page";

/** The first moment (UTC midnight) of a `YYYY-MM` month, and of the month after it. */
function monthRange(month: string): { from: string; to: string } {
  const [year, index] = month.split("-").map(Number) as [number, number];
  return {
    from: new Date(Date.UTC(year, index - 1, 1)).toISOString(),
    to: new Date(Date.UTC(year, index, 1)).toISOString(),
  };
}

/**
 * Viewer: one viewer's watch time per stage over a month, for billing (getViewerWatchTime).
 * The figures are whole UTC days the sync job has written: the current day counts only the
 * broadcasts that have ended.
 */
export function viewerPage(context: PageContext): Page {
  const now = new Date();
  const thisMonth = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
  const viewerInput = h("input", {
    id: "viewer-id",
    name: "viewerId",
    required: true,
    autocomplete: "off",
    placeholder: "user-1234",
    "aria-describedby": "viewer-id-help",
  });
  const monthInput = h("input", {
    id: "viewer-month",
    name: "month",
    type: "month",
    required: true,
    value: thisMonth,
  });
  const result = h("div", { id: "viewer-watch-time", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card" },
    h("label", { for: "viewer-id" }, "Viewer id"),
    viewerInput,
    h(
      "p",
      { class: "hint", id: "viewer-id-help" },
      "The id your backend put in the viewer's token (issueViewerToken's viewerId); a stage's viewing records list the ids that watched it.",
    ),
    h("label", { for: "viewer-month" }, "Month (UTC)"),
    monthInput,
    h("button", { type: "submit" }, "Show watch time"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const viewerId = viewerInput.value.trim();
    if (viewerId === "" || monthInput.value === "") return;
    context.report(undefined);
    unwrap(
      context.client.GET("/v1/viewers/{viewerId}/watch-time", {
        params: { path: { viewerId }, query: monthRange(monthInput.value) },
      }),
    )
      .then((watched) => {
        replaceChildren(
          result,
          h(
            "section",
            { class: "card" },
            h("h2", {}, `${watched.viewerId}: ${formatWatchTime(watched.totalSeconds)}`),
            h(
              "p",
              {},
              `${watched.totalSeconds} s watched from ${watched.from.slice(0, 10)} to ${watched.to.slice(0, 10)} (UTC, end exclusive).`,
            ),
            watched.stages.length === 0
              ? h("p", {}, "Nothing watched in this month (so far).")
              : h(
                  "table",
                  {},
                  h(
                    "thead",
                    {},
                    h(
                      "tr",
                      {},
                      h("th", { scope: "col" }, "Stage"),
                      h("th", { scope: "col", class: "num" }, "Seconds"),
                      h("th", { scope: "col", class: "num" }, "Watch time"),
                    ),
                  ),
                  h(
                    "tbody",
                    {},
                    ...watched.stages.map((stage) =>
                      h(
                        "tr",
                        {},
                        h("td", {}, h("a", { href: `#/stages/${stage.stageId}` }, stage.stageId)),
                        h("td", { class: "num" }, String(stage.seconds)),
                        h("td", { class: "num" }, formatWatchTime(stage.seconds)),
                      ),
                    ),
                  ),
                ),
          ),
        );
      })
      .catch((error: unknown) => context.report(error));
  });
  return {
    title: "Viewer",
    element: h("div", { class: "page viewer" }, h("h1", {}, "Viewer watch time"), form, result),
    dispose() {},
  };
}
