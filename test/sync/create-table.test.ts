import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { createDynamoClient } from "@viewer-presence/shared/clients";
import { parseTableConfig } from "@viewer-presence/shared/config";
import { describe, expect, inject, it } from "vitest";
import { createTable } from "../../sync/create-table";
import { uniqueId } from "../test-env";

describe("db:create", () => {
  it("creates the table with its keys and index, says TTL was skipped on dynalite, and is safe to rerun", async () => {
    const tableName = uniqueId("table-");
    const client = createDynamoClient(
      parseTableConfig({ ...inject("stackEnv"), DYNAMODB_TABLE: tableName }),
    );
    try {
      expect(await createTable(client, tableName)).toMatchObject({
        table: "created",
        ttl: "skipped",
      });
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      expect(Table?.KeySchema?.map((key) => key.AttributeName)).toEqual(["pk", "sk"]);
      expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(["gsi1"]);
      expect(Table?.BillingModeSummary?.BillingMode ?? "PAY_PER_REQUEST").toBe("PAY_PER_REQUEST");
      expect(await createTable(client, tableName)).toMatchObject({ table: "exists" });
    } finally {
      client.destroy();
    }
  });
});
