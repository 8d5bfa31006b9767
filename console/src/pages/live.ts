import type { Stage } from "@viewer-presence/client";
import { unwrap } from "../api";
import { type TimeChart, timeChart } from "../chart";
import { h, replaceChildren } from "../dom";
import { agreeing, formatClock, formatCount, formatQuantity } from "../format";
import { type Page, type PageContext, poll } from "../page";

/**
 * How often live counts are read (ms): every 5 s (the API caches a count 2 s per isolate and
 * lets browsers keep it 5 s), and half a second per stage shown beyond 10, so that an open
 * console's Redis cost stays near that of 10 stages however many it shows (each stage's count
 * is about 6 commands: BENCHMARKS.md, "The console").
 */
export function countPollMs(stagesShown: number): number {
  return Math.max(5_000, 500 * stagesShown);
}
/** How often the stage list is read again (ms): a DynamoDB Query, no Redis. */
const STAGES_POLL_MS = 30_000;
/** How often the sparklines are read again (ms): snapshots arrive once per 5-minute window. */
const SPARKLINE_POLL_MS = 60_000;
/** Live stages shown with a count and a sparkline; more are listed without polling each. */
export const MAX_POLLED_STAGES = 50;
const HOUR_MS = 3_600_000;

interface Row {
  stage: Stage;
  element: HTMLTableRowElement;
  count: HTMLElement;
  sparkline: TimeChart;
}

/**
 * Live: the platform's total, every live stage with its count (read every 5 s) and a sparkline
 * of its last hour at 30 s, and, with the admin key, a form to create a stage.
 */
export function livePage(context: PageContext): Page {
  const { client } = context;
  const totalViewers = h("span", { id: "total-viewers", class: "big" }, "–");
  const viewersLabel = h("span", { class: "label" }, " viewers on the platform");
  const activeStages = h("span", { id: "active-stages" }, "–");
  const activeLabel = document.createTextNode(" stages with viewers ");
  const asOf = h("span", { class: "hint" });
  const body = h("tbody");
  const ended = h("ul", { class: "ended" });
  const note = h("p", { class: "hint", hidden: true });
  const rows = new Map<string, Row>();

  const table = h(
    "table",
    { id: "stages", class: "stages" },
    h("caption", {}, "Live stages"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Stage"),
        h("th", { scope: "col", class: "num" }, "Viewers now"),
        h("th", { scope: "col" }, "Last hour (peak per 30 s)"),
      ),
    ),
    body,
  );

  const element = h(
    "div",
    { class: "page live" },
    h("h1", {}, "Live"),
    h(
      "section",
      { class: "total", "aria-live": "polite" },
      h("div", {}, totalViewers, viewersLabel),
      h("div", {}, activeStages, activeLabel, asOf),
    ),
    context.role === "admin" ? table : openById(),
    note,
    context.role === "admin"
      ? h("details", { class: "ended-stages" }, h("summary", {}, "Ended stages"), ended)
      : null,
    context.role === "admin" ? createStageForm(context) : null,
  );

  /** Shows the platform's total, as `getViewerTotals` answered it or summed from the rows. */
  function showTotals(viewers: number, stagesWithViewers: number, asOfMs: number) {
    totalViewers.textContent = formatCount(viewers);
    totalViewers.dataset.viewers = String(viewers);
    viewersLabel.textContent = agreeing(
      viewers,
      " viewer on the platform",
      " viewers on the platform",
    );
    activeStages.textContent = formatCount(stagesWithViewers);
    activeLabel.textContent = agreeing(
      stagesWithViewers,
      " stage with viewers ",
      " stages with viewers ",
    );
    asOf.textContent = `(as of ${formatClock(asOfMs)}, every ${countPollMs(rows.size) / 1000} s)`;
  }

  // When every live stage has a row, the platform's total is the sum of their counts: reading
  // getViewerTotals as well would count every stage in Redis a second time each poll. With
  // more live stages than rows, or with the analytics key (no stage list), it is read.
  let everyLiveStageShown = false;

  async function refreshCounts() {
    try {
      const counts = await Promise.all(
        [...rows.values()].map(async (row) => {
          const answer = await unwrap(
            client.GET("/v1/stages/{stageId}/viewers", {
              params: { path: { stageId: row.stage.id } },
            }),
          );
          row.count.textContent = `${formatCount(answer.viewers)}${answer.estimated ? " (est.)" : ""}`;
          row.count.dataset.viewers = String(answer.viewers);
          return answer.viewers;
        }),
      );
      if (everyLiveStageShown) {
        showTotals(
          counts.reduce((sum, count) => sum + count, 0),
          counts.filter((count) => count > 0).length,
          Date.now(),
        );
      } else {
        const totals = await unwrap(client.GET("/v1/viewers"));
        showTotals(totals.viewers, totals.activeStages, Date.parse(totals.asOf));
      }
      context.report(undefined);
    } catch (error) {
      context.report(error);
    }
  }

  async function refreshStages() {
    if (context.role !== "admin") return;
    try {
      const stages: Stage[] = [];
      let cursor: string | undefined;
      // A few pages at most: this is a console, not an export.
      for (let page = 0; page < 10; page++) {
        const list = await unwrap(
          client.GET("/v1/stages", { params: { query: { limit: 100, cursor } } }),
        );
        stages.push(...list.items);
        if (list.nextCursor === null) break;
        cursor = list.nextCursor;
      }
      const live = stages.filter((stage) => stage.status === "live");
      const polled = live.slice(0, MAX_POLLED_STAGES);
      for (const [id, row] of rows) {
        if (!polled.some((stage) => stage.id === id)) {
          row.sparkline.destroy();
          row.element.remove();
          rows.delete(id);
        }
      }
      for (const stage of polled) {
        const row = rows.get(stage.id);
        if (row === undefined) rows.set(stage.id, addRow(stage));
        else row.stage = stage;
      }
      everyLiveStageShown = live.length <= MAX_POLLED_STAGES;
      note.hidden = everyLiveStageShown;
      note.textContent = `${formatQuantity(live.length - MAX_POLLED_STAGES, "more live stage is", "more live stages are")} not polled here; open one by its id.`;
      if (live.length === 0) {
        replaceChildren(body, h("tr", {}, h("td", { colspan: "3" }, "No live stage.")));
      } else {
        body.querySelector("tr:not([data-stage-id])")?.remove();
      }
      replaceChildren(
        ended,
        ...stages
          .filter((stage) => stage.status === "ended")
          .map((stage) => h("li", {}, stageLink(stage))),
      );
      context.report(undefined);
    } catch (error) {
      context.report(error);
    }
  }

  function addRow(stage: Stage): Row {
    const count = h("span", { class: "count" }, "…");
    const chart = h("div", { class: "sparkline" });
    const element = h(
      "tr",
      { "data-stage-id": stage.id },
      h("th", { scope: "row" }, stageLink(stage)),
      h("td", { class: "num" }, count),
      h("td", {}, chart),
    );
    body.appendChild(element);
    const sparkline = timeChart(chart, {
      height: 36,
      sparkline: true,
      label: `Viewers of ${stage.title} over the last hour`,
    });
    return { stage, element, count, sparkline };
  }

  async function refreshSparklines() {
    const to = Date.now();
    await Promise.all(
      [...rows.values()].map(async (row) => {
        try {
          const series = await unwrap(
            client.GET("/v1/stages/{stageId}/series", {
              params: {
                path: { stageId: row.stage.id },
                query: {
                  resolution: "30s",
                  from: new Date(to - HOUR_MS).toISOString(),
                  to: new Date(to).toISOString(),
                  limit: 120,
                },
              },
            }),
          );
          row.sparkline.update(
            series.points.map((point) => Date.parse(point.at) / 1000),
            [
              {
                label: "Viewers",
                values: series.points.map((point) => point.peakViewers),
                stroke: "#2b6cb0",
              },
            ],
            [(to - HOUR_MS) / 1000, to / 1000],
          );
        } catch (error) {
          context.report(error);
        }
      }),
    );
  }

  const stops: (() => void)[] = [];
  let disposed = false;
  // The stage list first, so the first counts and sparklines have rows to fill; not at all if
  // the page was left meanwhile (its polls would outlive it).
  void refreshStages().then(() => {
    if (disposed) return;
    stops.push(poll(refreshCounts, () => countPollMs(rows.size)));
    stops.push(poll(refreshSparklines, SPARKLINE_POLL_MS));
    stops.push(poll(refreshStages, STAGES_POLL_MS));
  });

  return {
    title: "Live",
    element,
    dispose() {
      disposed = true;
      for (const stop of stops) stop();
      stops.length = 0;
      for (const row of rows.values()) row.sparkline.destroy();
    },
  };
}

function stageLink(stage: Stage) {
  return h(
    "a",
    { href: `#/stages/${stage.id}` },
    stage.title,
    h("span", { class: "id" }, ` ${stage.id}`),
  );
}

/** With the analytics key, which may not list stages (listStages is admin-only): open by id. */
function openById() {
  const input = h("input", {
    id: "open-stage",
    pattern: "[A-Za-z0-9_\\-]{1,64}",
    required: true,
  });
  return h(
    "form",
    {
      class: "inline",
      onsubmit: (event: Event) => {
        event.preventDefault();
        location.hash = `#/stages/${input.value.trim()}`;
      },
    },
    h(
      "p",
      { class: "hint" },
      "Listing stages needs the admin key; open a stage by its id to see its figures.",
    ),
    h("label", { for: "open-stage" }, "Stage id"),
    input,
    h("button", { type: "submit" }, "Open"),
  );
}

function createStageForm(context: PageContext) {
  const title = h("input", { id: "new-title", required: true, maxlength: "200" });
  const id = h("input", {
    id: "new-id",
    pattern: "[A-Za-z0-9_\\-]{1,64}",
    placeholder: "random when empty",
  });
  return h(
    "form",
    {
      class: "card",
      onsubmit: (event: Event) => {
        event.preventDefault();
        const wanted = id.value.trim();
        unwrap(
          context.client.POST("/v1/stages", {
            body: { title: title.value.trim(), ...(wanted ? { id: wanted } : {}) },
          }),
        )
          .then((stage) => {
            location.hash = `#/stages/${stage.id}`;
          })
          .catch((error: unknown) => context.report(error));
      },
    },
    h("h2", {}, "Create a stage"),
    h("label", { for: "new-title" }, "Title"),
    title,
    h("label", { for: "new-id" }, "Id (optional)"),
    id,
    h("button", { type: "submit" }, "Create"),
  );
}
