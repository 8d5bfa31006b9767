/**
 * `npm run db:create`: creates the table (shared/table.ts: keys, index, on-demand billing) and
 * turns on TTL on `ttl`, against AWS or, with DYNAMODB_ENDPOINT, a local server. Safe to run
 * again: an existing table is left as it is (TTL is still switched on).
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { createDynamoClient } from "@viewer-presence/shared/clients";
import { ConfigError, parseTableConfig } from "@viewer-presence/shared/config";
import { createTableInput, TTL_ATTRIBUTE } from "@viewer-presence/shared/table";

export interface CreateTableResult {
  table: "created" | "exists";
  /** `skipped` when the server does not implement UpdateTimeToLive (dynalite, the local one). */
  ttl: "enabled" | "already enabled" | "skipped";
  detail?: string;
}

/** Creates the table if absent, waits until it is ACTIVE (at most `timeoutMs`), then enables TTL. */
export async function createTable(
  client: Pick<DynamoDBClient, "send">,
  tableName: string,
  options: { timeoutMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<CreateTableResult> {
  const sleep =
    options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  let table: CreateTableResult["table"] = "created";
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof Error && error.name === "ResourceInUseException")) throw error;
    table = "exists";
  }
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (described.Table?.TableStatus === "ACTIVE") break;
    if (Date.now() > deadline) throw new Error(`Table ${tableName} is not ACTIVE after waiting`);
    await sleep(1000);
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { Enabled: true, AttributeName: TTL_ATTRIBUTE },
      }),
    );
    return { table, ttl: "enabled" };
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    const message = error instanceof Error ? error.message : String(error);
    if (name === "ValidationException" && /already enabled/i.test(message)) {
      return { table, ttl: "already enabled" };
    }
    // dynalite answers an operation it lacks with UnknownOperationException.
    if (name === "UnknownOperationException" || /unknown ?operation/i.test(`${name} ${message}`)) {
      return {
        table,
        ttl: "skipped",
        detail: "this server does not implement UpdateTimeToLive (dynalite); on AWS it is enabled",
      };
    }
    throw error;
  }
}

async function main(): Promise<number> {
  let config: ReturnType<typeof parseTableConfig>;
  try {
    config = parseTableConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const client = createDynamoClient(config);
  try {
    const where = config.dynamodbEndpoint ?? `AWS ${config.awsRegion}`;
    const result = await createTable(client, config.dynamodbTable);
    console.log(
      `table ${config.dynamodbTable} (${where}): ${result.table}; TTL on "${TTL_ATTRIBUTE}": ${result.ttl}${result.detail ? ` (${result.detail})` : ""}`,
    );
    return 0;
  } catch (error) {
    console.error(
      `db:create failed: ${error instanceof Error ? `${error.name}: ${error.message}` : error}`,
    );
    return 1;
  } finally {
    client.destroy();
  }
}

const entry = process.argv[1];
if (entry !== undefined && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  main().then((code) => {
    process.exitCode = code;
  });
}
