/**
 * Writes docs/cost-chart.svg from the current catalogue and the default workload with this
 * system's measured inputs (measured.ts); a test fails when the committed file differs:
 *
 *   npx tsx cost/write-chart.ts [output-path]
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { costChartSvg } from "./chart";
import { measuredInputs } from "./measured";

/** docs/cost-chart.svg at the repository root (one folder above this file). */
export const DEFAULT_CHART_PATH = fileURLToPath(new URL("../docs/cost-chart.svg", import.meta.url));

/** The chart the README shows, as committed in docs/cost-chart.svg. */
export function docsCostChartSvg(): string {
  return `${costChartSvg({ workload: measuredInputs() })}\n`;
}

export async function writeCostChart(path: string = DEFAULT_CHART_PATH): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, docsCostChartSvg(), "utf8");
  return path;
}

const script = process.argv[1];
if (script !== undefined && import.meta.url === pathToFileURL(script).href) {
  writeCostChart(process.argv[2]).then(
    (path) => process.stdout.write(`Wrote ${path}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
