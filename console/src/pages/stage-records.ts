import { unwrap } from "../api";
import { h, replaceChildren } from "../dom";
import { formatMoment } from "../format";
import type { PageContext } from "../page";

const PAGE_SIZE = 50;
const DAY_MS = 86_400_000;

/**
 * The stage's viewing records of the last day (what each viewer watched of each 5-minute
 * window), a page at a time, and their CSV export (exportViewingRecords, at most a day). The
 * export needs the key in a header, so it is fetched and handed to the browser as a file
 * rather than linked.
 */
export function recordsSection(context: PageContext, stageId: string): HTMLElement {
  const body = h("tbody");
  const more = h("button", { type: "button", hidden: true }, "Next page");
  const exportButton = h(
    "button",
    { id: "export-csv", type: "button" },
    "Export the last day as CSV",
  );
  const section = h(
    "section",
    { class: "card", id: "records" },
    h("h2", {}, "Viewing records (last day)"),
    exportButton,
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
            h("th", { scope: "col" }, "Viewer"),
            h("th", { scope: "col" }, "Window"),
            h("th", { scope: "col", class: "num" }, "Seconds"),
          ),
        ),
        body,
      ),
    ),
    more,
  );
  const to = Date.now();
  const range = { from: new Date(to - DAY_MS).toISOString(), to: new Date(to).toISOString() };
  let cursor: string | undefined;

  async function loadPage() {
    try {
      const page = await unwrap(
        context.client.GET("/v1/stages/{stageId}/viewing-records", {
          params: { path: { stageId }, query: { ...range, limit: PAGE_SIZE, cursor } },
        }),
      );
      if (cursor === undefined && page.items.length === 0) {
        replaceChildren(
          body,
          h(
            "tr",
            {},
            h(
              "td",
              { colspan: "3" },
              "No record yet: the sync job writes them once a window has closed.",
            ),
          ),
        );
      }
      for (const record of page.items) {
        body.appendChild(
          h(
            "tr",
            {},
            h("td", {}, record.viewerId),
            h("td", {}, formatMoment(record.windowStart)),
            h("td", { class: "num" }, String(record.seconds)),
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
  exportButton.addEventListener("click", () => {
    exportButton.disabled = true;
    unwrap(
      context.client.GET("/v1/stages/{stageId}/viewing-records/export", {
        params: { path: { stageId }, query: range },
        headers: { Accept: "text/csv" },
        parseAs: "blob",
      }),
    )
      .then((blob) => {
        const url = URL.createObjectURL(blob as Blob);
        const link = h("a", { href: url, download: `${stageId}-viewing-records.csv` });
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      })
      .catch((error: unknown) => context.report(error))
      .finally(() => {
        exportButton.disabled = false;
      });
  });
  void loadPage();
  return section;
}
