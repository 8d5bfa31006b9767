import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { DEFAULT_CHART_PATH, docsCostChartSvg } from "./write-chart";

describe("docs/cost-chart.svg", () => {
  it("is what the model draws now (run `npm run cost:chart` when this fails)", async () => {
    expect(await readFile(DEFAULT_CHART_PATH, "utf8")).toBe(docsCostChartSvg());
  });
});
