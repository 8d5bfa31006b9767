import type { components } from "@viewer-presence/client";
import { unwrap } from "../api";
import { h, replaceChildren } from "../dom";
import { formatCount, formatDollars, formatQuantity } from "../format";
import type { Page, PageContext } from "../page";

type Estimate = components["schemas"]["CostEstimate"];

const MIN_VIEWERS = 100;
const MAX_VIEWERS = 1_000_000;
/** The architecture this system runs (highlighted). */
const THIS_SYSTEM = "redis-snapshots-fixed";
const TIERS = [
  ["edge", "Workers"],
  ["logs", "Workers Logs"],
  ["redis", "Redis"],
  ["dynamoWrites", "DynamoDB writes"],
  ["dynamoReads", "DynamoDB reads"],
  ["dynamoStorage", "DynamoDB storage"],
  ["transfer", "Transfer"],
] as const;

/**
 * Cost: the monthly bill of each architecture for an audience (100 to 1,000,000 concurrent
 * viewers, on a logarithmic slider), tier by tier, with the plan chosen and the limits that
 * bind, from `estimateCost` (the cost model, computed by the API: nothing is priced here).
 */
export function costPage(context: PageContext): Page {
  const slider = h("input", {
    id: "viewers-slider",
    type: "range",
    min: String(Math.log10(MIN_VIEWERS)),
    max: String(Math.log10(MAX_VIEWERS)),
    step: "0.01",
    value: "4",
    "aria-label": "Concurrent viewers (logarithmic)",
  });
  const viewers = h("input", {
    id: "viewers",
    type: "number",
    min: String(MIN_VIEWERS),
    max: String(MAX_VIEWERS),
    value: "10000",
  });
  const stages = h("input", {
    id: "stages-count",
    type: "number",
    min: "1",
    max: "1000000",
    value: "10",
  });
  const out = h("div", { id: "estimates", "aria-live": "polite" });
  const asOf = h("p", { class: "hint" });

  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void load(), 200);
  };
  slider.addEventListener("input", () => {
    viewers.value = String(Math.round(10 ** Number(slider.value)));
    schedule();
  });
  viewers.addEventListener("input", () => {
    const value = Number(viewers.value);
    if (value >= MIN_VIEWERS && value <= MAX_VIEWERS) slider.value = String(Math.log10(value));
    schedule();
  });
  stages.addEventListener("input", schedule);

  async function load() {
    const count = Math.round(Number(viewers.value));
    const stageCount = Math.round(Number(stages.value));
    if (!(count >= MIN_VIEWERS && count <= MAX_VIEWERS) || !(stageCount >= 1)) return;
    const ask = ++asked;
    try {
      const comparison = await unwrap(
        context.client.GET("/v1/cost-estimates", {
          params: { query: { viewers: count, stages: stageCount } },
        }),
      );
      if (ask !== asked) return;
      context.report(undefined);
      asOf.textContent = `${formatQuantity(count, "concurrent viewer", "concurrent viewers")} on ${formatQuantity(stageCount, "stage", "stages")}, around the clock; prices as of ${comparison.pricesAsOf}, a 730-hour month.`;
      replaceChildren(out, render(comparison.estimates));
    } catch (error) {
      context.report(error);
    }
  }
  void load();

  return {
    title: "Cost",
    element: h(
      "div",
      { class: "page cost" },
      h("h1", {}, "What it costs, per month"),
      h(
        "form",
        { class: "card controls", onsubmit: (event: Event) => event.preventDefault() },
        h("label", { for: "viewers" }, "Concurrent viewers"),
        h("div", { class: "slider" }, slider, viewers),
        h("label", { for: "stages-count" }, "Stages"),
        stages,
      ),
      asOf,
      out,
    ),
    dispose() {
      clearTimeout(timer);
    },
  };
}

function render(estimates: Estimate[]): HTMLElement {
  const most = Math.max(...estimates.map((e) => e.total), 1);
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { class: "cost" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Architecture"),
          h("th", { scope: "col", class: "num" }, "Total"),
          ...TIERS.map(([, label]) => h("th", { scope: "col", class: "num tier" }, label)),
          h("th", { scope: "col" }, "Plan, limits and notes"),
        ),
      ),
      h("tbody", {}, ...estimates.flatMap((estimate) => estimateRows(estimate, most))),
    ),
  );
}

/** The table's columns: architecture, total, one per tier, and the plan. */
const COLUMNS = 2 + TIERS.length + 1;

/**
 * An architecture's row, and below it the row of its limits and notes: shown across the whole
 * table when the plan's button opens it, since in the last column they made it too wide at
 * 1280 px (or, squeezed, thousands of pixels tall).
 */
function estimateRows(estimate: Estimate, most: number): HTMLTableRowElement[] {
  const ours = estimate.architecture === THIS_SYSTEM ? "ours" : "";
  const notesId = `notes-${estimate.architecture}`;
  const notes = h(
    "tr",
    { id: notesId, class: `notes ${ours}`, "data-notes-for": estimate.architecture, hidden: true },
    h("td", { colspan: String(COLUMNS) }, notesList(estimate)),
  );
  const toggle = h(
    "button",
    {
      type: "button",
      class: "disclosure",
      "aria-expanded": "false",
      "aria-controls": notesId,
      onclick: () => {
        const open = notes.hidden;
        notes.hidden = !open;
        toggle.setAttribute("aria-expanded", String(open));
      },
    },
    estimate.plan ? `${formatCount(estimate.plan.databases)} × ${estimate.plan.name}` : "Details",
  );
  const binding = estimate.limits.filter((limit) => limit.status !== "ok");
  const row = h(
    "tr",
    { "data-architecture": estimate.architecture, class: ours },
    h(
      "th",
      { scope: "row" },
      estimate.label,
      ours ? h("span", { class: "badge" }, "this system") : null,
      estimate.usableFromEdge
        ? null
        : h("span", { class: "badge warn" }, "not reachable from the edge"),
      estimate.keepsHistory ? null : h("span", { class: "badge" }, "no history"),
    ),
    h(
      "td",
      { class: "num" },
      h("strong", {}, formatDollars(estimate.total)),
      h("meter", { min: "0", max: String(most), value: String(estimate.total) }),
    ),
    ...TIERS.map(([tier]) => h("td", { class: "num tier" }, formatDollars(estimate.tiers[tier]))),
    h(
      "td",
      {},
      toggle,
      ...binding.map((limit) =>
        h(
          "span",
          { class: `badge ${limit.status === "exceeded" ? "warn" : ""}` },
          `${limit.status}: ${limit.name}`,
        ),
      ),
    ),
  );
  return [row, notes];
}

function notesList(estimate: Estimate): HTMLElement {
  return h(
    "ul",
    {},
    ...estimate.limits.map((limit) =>
      h(
        "li",
        {},
        `${limit.name}: ${formatCount(limit.used)} of ${formatCount(limit.limit)} ${limit.unit} (${limit.status})`,
      ),
    ),
    ...estimate.notes.map((note) => h("li", {}, note)),
  );
}
