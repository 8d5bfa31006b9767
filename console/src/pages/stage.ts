import type { Stage } from "@viewer-presence/client";
import { ApiProblem, unwrap } from "../api";
import { timeChart } from "../chart";
import { h, replaceChildren } from "../dom";
import {
  agreeing,
  formatClock,
  formatCount,
  formatDecimal,
  formatMoment,
  formatQuantity,
  formatWatchTime,
} from "../format";
import { type Page, type PageContext, poll } from "../page";
import { RANGES, type Range, type SeriesPoint, summarise } from "../ranges";
import { breakdownSection } from "./stage-breakdown";
import { broadcastsSection } from "./stage-broadcasts";
import { recordsSection } from "./stage-records";

const COUNT_POLL_MS = 5_000;
/** The peak line's colour (the browser test looks for it on the canvas). */
const PEAK_COLOUR = "#2b6cb0";

/**
 * Stage: its live count, the concurrency chart over a chosen range with its peak, average,
 * distinct viewers and watch time, the breakdowns by country and device, broadcasts, viewing
 * records with a CSV export, and with the admin key: end or reopen it, issue a viewer token.
 */
export function stagePage(context: PageContext, stageId: string): Page {
  const { client } = context;
  const heading = h("h1", {}, stageId);
  const status = h("span", { id: "stage-status", class: "badge" }, "…");
  const live = h("span", { id: "stage-viewers", class: "big" }, "–");
  const liveLabel = h("span", { class: "label" }, " viewers now");
  const admin = h("div", { class: "admin" });
  const chartBox = h("div", { id: "concurrency-chart", class: "chart" });
  const chartNote = h("p", { class: "hint", "aria-live": "polite" });
  const summary = h("dl", { id: "summary", class: "summary" });
  const rangeButtons = RANGES.map((range) =>
    h(
      "button",
      { type: "button", "data-range": range.id, onclick: () => void show(range) },
      range.label,
    ),
  );
  const breakdowns = h("div", { class: "breakdowns" });
  const chart = timeChart(chartBox, { height: 260, label: "Concurrent viewers over time" });

  const element = h(
    "div",
    { class: "page stage" },
    h("p", { class: "crumbs" }, h("a", { href: "#/live" }, "Live"), " › stage"),
    heading,
    h(
      "section",
      { class: "headline" },
      h("div", {}, live, liveLabel),
      h("div", {}, status, " ", h("code", {}, stageId)),
    ),
    admin,
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Concurrent viewers"),
      h("div", { class: "ranges", role: "group", "aria-label": "Range" }, ...rangeButtons),
      chartBox,
      chartNote,
      summary,
    ),
    breakdowns,
    broadcastsSection(context, stageId),
    recordsSection(context, stageId),
  );

  let stage: Stage | undefined;
  async function loadStage() {
    try {
      stage = await unwrap(client.GET("/v1/stages/{stageId}", { params: { path: { stageId } } }));
      heading.textContent = stage.title;
      status.textContent = stage.status;
      status.dataset.status = stage.status;
      if (context.role === "admin") renderAdmin(stage);
    } catch (error) {
      const missing = error instanceof ApiProblem && error.status === 404;
      context.report(missing ? new Error(`There is no stage "${stageId}".`) : error);
      // Nothing below the heading can be about a stage that does not exist: empty charts and
      // tables would only look like a stage nobody watched.
      if (missing) {
        for (const child of [...element.children].slice(2)) (child as HTMLElement).hidden = true;
        element.append(
          h(
            "p",
            { id: "no-stage" },
            "Check the id, or pick a stage on the ",
            h("a", { href: "#/live" }, "Live"),
            " page.",
          ),
        );
      }
    }
  }

  async function refreshCount() {
    try {
      const answer = await unwrap(
        client.GET("/v1/stages/{stageId}/viewers", { params: { path: { stageId } } }),
      );
      live.textContent = formatCount(answer.viewers) + (answer.estimated ? " (est.)" : "");
      live.dataset.viewers = String(answer.viewers);
      liveLabel.textContent = agreeing(answer.viewers, " viewer now", " viewers now");
    } catch (error) {
      if (!(error instanceof ApiProblem && error.status === 404)) context.report(error);
    }
  }

  function renderAdmin(current: Stage) {
    const ending = current.status === "live";
    const toggle = h(
      "button",
      {
        id: "toggle-status",
        type: "button",
        class: ending ? "danger" : "",
        onclick: () => {
          if (
            ending &&
            !confirm(`End "${current.title}"? Its viewers' heartbeats will be refused.`)
          )
            return;
          toggle.disabled = true;
          unwrap(
            client.PATCH("/v1/stages/{stageId}", {
              params: { path: { stageId } },
              body: { status: ending ? "ended" : "live" },
            }),
          )
            .then(() => loadStage())
            .catch((error: unknown) => {
              toggle.disabled = false;
              context.report(error);
            });
        },
      },
      ending ? "End the stage" : "Reopen the stage",
    );
    const viewerId = h("input", { id: "token-viewer", required: true, maxlength: "128" });
    const token = h("output", { id: "issued-token", class: "token" });
    const form = h(
      "form",
      {
        class: "inline",
        onsubmit: (event: Event) => {
          event.preventDefault();
          unwrap(
            client.POST("/v1/stages/{stageId}/viewer-tokens", {
              params: { path: { stageId } },
              body: { viewerId: viewerId.value.trim() },
            }),
          )
            .then((issued) => {
              token.textContent = `${issued.token} (expires ${formatMoment(issued.expiresAt)})`;
            })
            .catch((error: unknown) => context.report(error));
        },
      },
      h("label", { for: "token-viewer" }, "Viewer id"),
      viewerId,
      h("button", { type: "submit" }, "Issue a viewer token"),
    );
    replaceChildren(
      admin,
      h("section", { class: "card" }, h("h2", {}, "Manage"), toggle, form, token),
    );
  }

  let shown: Range = RANGES[0];
  async function show(range: Range) {
    shown = range;
    for (const button of rangeButtons)
      button.setAttribute("aria-pressed", String(button.dataset.range === range.id));
    const to = Date.now();
    const from = to - range.spanMs;
    try {
      const points: SeriesPoint[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(
          client.GET("/v1/stages/{stageId}/series", {
            params: {
              path: { stageId },
              query: {
                resolution: range.resolution,
                from: new Date(from).toISOString(),
                to: new Date(to).toISOString(),
                limit: 2880,
                cursor,
              },
            },
          }),
        );
        points.push(...page.points);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && shown === range);
      if (shown !== range) return;
      // A 30-s point is one slot: its peak and average are the same count, drawn once.
      const series =
        range.resolution === "30s"
          ? [{ label: "Viewers", values: points.map((p) => p.peakViewers), stroke: PEAK_COLOUR }]
          : [
              { label: "Peak", values: points.map((p) => p.peakViewers), stroke: PEAK_COLOUR },
              { label: "Average", values: points.map((p) => p.averageViewers), stroke: "#dd6b20" },
            ];
      chart.update(
        points.map((point) => Date.parse(point.at) / 1000),
        series,
        [from / 1000, to / 1000],
      );
      chartNote.textContent =
        points.length === 0
          ? range.resolution === "30s" || range.resolution === "5m"
            ? "No snapshot in this range yet: the sync job writes one per 5-minute window, a minute after it closes."
            : "No rollup in this range yet: hours are rolled up about an hour after they end."
          : `${formatQuantity(points.length, "point", "points")} of ${range.resolution}, as of ${formatClock(to)}. Gaps are intervals with no viewer or not synced yet.`;
      renderSummary(range, points);
      replaceChildren(breakdowns, breakdownSection(context, stageId, from, to, range));
    } catch (error) {
      context.report(error);
    }
  }

  function renderSummary(range: Range, points: SeriesPoint[]) {
    const figures = summarise(points, range.stepSec);
    const interval = { "30s": "30 s", "5m": "5 min", "1h": "hour", "1d": "day" }[range.resolution];
    replaceChildren(
      summary,
      h("dt", {}, "Peak"),
      h(
        "dd",
        { id: "summary-peak" },
        figures.peak
          ? `${formatCount(figures.peak.viewers)} at ${formatMoment(figures.peak.at)}`
          : "–",
      ),
      h("dt", {}, "Average while watched"),
      h(
        "dd",
        { id: "summary-average" },
        formatQuantity(figures.averageViewers, "viewer", "viewers", formatDecimal),
      ),
      h("dt", {}, `Distinct viewers (busiest ${interval})`),
      h("dd", {}, formatCount(figures.busiestUnique)),
      h("dt", {}, "Watch time"),
      h("dd", { id: "summary-watch" }, formatWatchTime(figures.watchSeconds)),
    );
  }

  void loadStage();
  void show(shown);
  const stopCount = poll(refreshCount, COUNT_POLL_MS);
  return {
    title: stageId,
    element,
    dispose() {
      stopCount();
      chart.destroy();
    },
  };
}
