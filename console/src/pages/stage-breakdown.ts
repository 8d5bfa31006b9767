import { unwrap } from "../api";
import { h } from "../dom";
import { formatCount, formatQuantity, formatWatchTime } from "../format";
import type { PageContext } from "../page";
import type { Range } from "../ranges";

interface Row {
  key: string;
  /** Viewer-hours (rollups), or absent where only seconds can be summed (snapshots). */
  viewers?: number;
  seconds: number;
}

/**
 * The audience by country and by device over the Stage page's range: from the hourly rollups
 * (getStageBreakdown); where no hour of the range is rolled up yet (about an hour after it
 * ends) and the range is short, the seconds of its 5-minute snapshots summed instead (distinct
 * viewers do not add up across windows, so that table shows seconds only).
 */
export function breakdownSection(
  context: PageContext,
  stageId: string,
  from: number,
  to: number,
  range: Range,
): HTMLElement {
  const country = h("div", { id: "breakdown-country" }, "…");
  const device = h("div", { id: "breakdown-device" }, "…");
  const note = h("p", { class: "hint" });
  const section = h(
    "section",
    { class: "card" },
    h("h2", {}, "Audience by country and device"),
    note,
    h("div", { class: "two" }, country, device),
  );
  void load();
  return section;

  async function load() {
    const query = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    try {
      const [byCountry, byDevice] = await Promise.all(
        (["country", "device"] as const).map((by) =>
          unwrap(
            context.client.GET("/v1/stages/{stageId}/breakdown", {
              params: { path: { stageId }, query: { by, ...query } },
            }),
          ),
        ),
      );
      if (byCountry!.hours > 0 || range.spanMs > 86_400_000) {
        note.textContent = `From ${formatQuantity(byCountry!.hours, "rolled-up hour", "rolled-up hours")}. Viewer-hours: each hour's distinct viewers, summed.`;
        country.replaceWith(
          table("breakdown-country", "Country", byCountry!.rows.map(fromRollup), true),
        );
        device.replaceWith(
          table("breakdown-device", "Device", byDevice!.rows.map(fromRollup), true),
        );
        return;
      }
      const sums = await snapshotSeconds(query);
      note.textContent =
        "No hour of this range is rolled up yet (about an hour after it ends): watch time from the 5-minute snapshots.";
      country.replaceWith(table("breakdown-country", "Country", sums.countries, false));
      device.replaceWith(table("breakdown-device", "Device", sums.devices, false));
    } catch (error) {
      context.report(error);
    }
  }

  async function snapshotSeconds(query: { from: string; to: string }) {
    const countries = new Map<string, number>();
    const devices = new Map<string, number>();
    let cursor: string | undefined;
    do {
      const page = await unwrap(
        context.client.GET("/v1/stages/{stageId}/snapshots", {
          params: { path: { stageId }, query: { ...query, limit: 500, cursor } },
        }),
      );
      for (const snapshot of page.items) {
        for (const row of snapshot.countries ?? [])
          countries.set(row.country, (countries.get(row.country) ?? 0) + row.seconds);
        for (const row of snapshot.devices ?? [])
          devices.set(row.device, (devices.get(row.device) ?? 0) + row.seconds);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    const rows = (sums: Map<string, number>) =>
      [...sums].map(([key, seconds]) => ({ key, seconds })).sort((a, b) => b.seconds - a.seconds);
    return { countries: rows(countries), devices: rows(devices) };
  }
}

function fromRollup(row: { key: string; viewerHours: number; seconds: number }): Row {
  return { key: row.key, viewers: row.viewerHours, seconds: row.seconds };
}

function table(id: string, what: string, rows: Row[], withViewers: boolean): HTMLElement {
  const total = rows.reduce((sum, row) => sum + row.seconds, 0);
  if (rows.length === 0) return h("p", { id, class: "hint" }, `${what}: no data in this range.`);
  return h(
    "table",
    { id, class: "breakdown" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, what),
        withViewers ? h("th", { scope: "col", class: "num" }, "Viewer-hours") : null,
        h("th", { scope: "col", class: "num" }, "Watch time"),
        h("th", { scope: "col" }, "Share"),
      ),
    ),
    h(
      "tbody",
      {},
      ...rows.map((row) => {
        const share = total === 0 ? 0 : row.seconds / total;
        return h(
          "tr",
          {},
          h("th", { scope: "row" }, row.key),
          withViewers ? h("td", { class: "num" }, formatCount(row.viewers ?? 0)) : null,
          h("td", { class: "num" }, formatWatchTime(row.seconds)),
          h(
            "td",
            {},
            h("meter", { min: "0", max: "1", value: share.toFixed(3) }),
            ` ${Math.round(share * 100)} %`,
          ),
        );
      }),
    ),
  );
}
