import type { FuzzReport } from "./fuzz-run";

/** The fuzz's summary: seed, requests and statuses per operation, then each finding in full. */
export function formatReport(report: FuzzReport): string {
  const lines = [
    `Contract fuzz: seed ${report.seed} (FUZZ_SEED=${report.seed} repeats it), ${report.requests} requests sent, ${report.unsendable} not sent (fetch refused them, or URL parsing changed their path).`,
    ...report.unsendableExamples.map((example) => `  not sent: ${example}`),
    "",
    "operation             requests  statuses",
  ];
  for (const [operationId, stats] of Object.entries(report.perOperation)) {
    const statuses = Object.entries(stats.statuses)
      .map(([status, count]) => `${status}×${count}`)
      .join(" ");
    lines.push(`${operationId.padEnd(21)} ${String(stats.requests).padStart(8)}  ${statuses}`);
  }
  lines.push("", `${report.findings.length} kinds of failure.`);
  for (const f of report.findings) {
    lines.push(
      "",
      `* ${f.operationId}: ${f.kind}, ${f.status} (${f.count} times); shortest request:`,
      `  ${f.request.method} ${f.request.url}`,
      ...Object.entries(f.request.headers).map(([name, value]) => `  ${name}: ${value}`),
      ...(f.request.body === undefined ? [] : [`  body: ${JSON.stringify(f.request.body)}`]),
      `  -> ${f.response.status} ${JSON.stringify(f.response.headers)} ${f.response.body}`,
      ...(f.detail ? [`  wrong: ${f.detail}`] : []),
      ...(f.stage ? [`  the stage before: ${JSON.stringify(f.stage)}`] : []),
      ...(f.logged ? [`  logged: ${f.logged.slice(0, 300)}`] : []),
      ...(f.changed ?? []).map((change) => `  changed: ${change}`),
    );
  }
  return lines.join("\n");
}
