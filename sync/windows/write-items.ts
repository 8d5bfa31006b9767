import type { DocumentClient } from "@viewer-presence/shared/clients";
import type { RunReport } from "../run-report";
import { BatchWriteError, type BatchWriteOptions, batchWrite } from "./batch-write";

/**
 * {@link batchWrite}, with what DynamoDB confirmed (items, write units, retries) added to the
 * run's report, also when the write fails part way: the report of a failed run still says what
 * reached the table. The error is rethrown untouched.
 */
export async function writeItems(
  db: DocumentClient,
  tableName: string,
  items: readonly object[],
  options: BatchWriteOptions,
  report: RunReport,
): Promise<void> {
  if (items.length === 0) return;
  try {
    tally(report, await batchWrite(db, tableName, items, options));
  } catch (error) {
    if (error instanceof BatchWriteError) tally(report, error.partial);
    throw error;
  }
}

function tally(report: RunReport, written: { items: number; writeUnits: number; retries: number }) {
  report.items += written.items;
  report.writeUnits += written.writeUnits;
  report.retries += written.retries;
}
