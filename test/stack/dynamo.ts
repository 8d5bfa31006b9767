import type { AddressInfo } from "node:net";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTableInput } from "@viewer-presence/shared/table";
import dynalite from "dynalite";

export interface DynamoOptions {
  tableName: string;
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
}

export interface DynamoHandle {
  /** e.g. `http://127.0.0.1:41235` (what `DYNAMODB_ENDPOINT` should be). */
  endpoint: string;
  tableName: string;
  /** Closes the server, its open connections and the in-memory store. Safe to call twice. */
  stop(): Promise<void>;
}

/** Credentials dynalite accepts; it checks that a signature is present, not what it signs. */
export const LOCAL_AWS = {
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
} as const;

/**
 * Runs dynalite in this process, in memory, and creates the project's table
 * (`createTableInput` from shared/table.ts) on it, resolving once the table is ACTIVE.
 *
 * Not covered: dynalite has no UpdateTimeToLive, so the table's TTL setting is skipped and
 * items never expire here; tests of expiry must read the `ttl` attribute instead.
 */
export async function startDynamo(opts: DynamoOptions): Promise<DynamoHandle> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve, reject) => {
      server.close((error?: Error) => (error ? reject(error) : resolve()));
      // Keep-alive sockets of SDK clients that were never destroyed must not hold close() open.
      server.closeAllConnections();
    });
    return stopped;
  };

  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  try {
    await client.send(new CreateTableCommand(createTableInput(opts.tableName)));
    await waitUntilActive(client, opts.tableName);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, tableName: opts.tableName, stop };
}

/** Resolves once the table is ACTIVE (dynalite with `createTableMs: 0` is at once). */
export async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === "ACTIVE") return;
    if (Date.now() > deadline) {
      throw new Error(
        `table ${tableName} not ACTIVE after ${timeoutMs} ms (${Table?.TableStatus})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
