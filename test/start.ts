/**
 * `npm start`: the whole system on this machine, with no cloud account. Starts redis-server,
 * the Upstash-compatible REST endpoint over it, an in-memory DynamoDB-API server (dynalite)
 * with the table, and the worker under `wrangler dev`, on fixed ports (each overridable), then
 * waits for Ctrl-C and stops everything it started.
 */
import { randomBytes } from "node:crypto";
import { startLocalStack, startWranglerDev } from "./stack";

/** Fixed local ports; override with the variable named beside each. */
const PORTS = {
  worker: { variable: "PORT", fallback: 8787 },
  upstash: { variable: "UPSTASH_PORT", fallback: 8079 },
  redis: { variable: "REDIS_PORT", fallback: 6380 },
  dynamo: { variable: "DYNAMODB_PORT", fallback: 8000 },
} as const;

function port(name: keyof typeof PORTS): number {
  const { variable, fallback } = PORTS[name];
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new Error(`${variable} must be a port number (1-65535), got "${raw}"`);
  }
  return value;
}

/** A configuration variable from the environment, or a local default that is printed. */
function setting(name: string, fallback: () => string, defaults: string[]): string {
  const value = process.env[name];
  if (value !== undefined && value !== "") return value;
  const generated = fallback();
  defaults.push(`${name}=${generated}`);
  return generated;
}

async function main(): Promise<void> {
  const defaults: string[] = [];
  const vars: Record<string, string> = {
    ADMIN_API_KEY: setting(
      "ADMIN_API_KEY",
      () => `local-admin-${randomBytes(8).toString("hex")}`,
      defaults,
    ),
    VIEWER_TOKEN_SECRET: setting(
      "VIEWER_TOKEN_SECRET",
      () => randomBytes(32).toString("hex"),
      defaults,
    ),
  };
  for (const name of [
    "HEARTBEAT_INTERVAL_SEC",
    "PRESENCE_TTL_SEC",
    "REDIS_KEY_PREFIX",
    "CORS_ORIGINS",
  ]) {
    const value = process.env[name];
    if (value !== undefined && value !== "") vars[name] = value;
  }

  const stack = await startLocalStack({
    redisPort: port("redis"),
    upstashPort: port("upstash"),
    dynamoPort: port("dynamo"),
    tableName: process.env.DYNAMODB_TABLE || "ivs-viewer-snapshots",
    upstashToken: process.env.UPSTASH_REDIS_REST_TOKEN || "local-upstash-token",
  });
  let worker: Awaited<ReturnType<typeof startWranglerDev>> | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping…");
    await worker?.stop().catch((error) => console.error(error));
    await stack.stop().catch((error) => console.error(error));
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
    worker = await startWranglerDev({
      port: port("worker"),
      vars: { ...stack.env, ...vars },
      testScheduled: true,
      // The worker's logs (requests, sync reports) follow the banner in this terminal.
      echo: process.stdout,
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stop(1);
    return;
  }

  const env = stack.env;
  console.log(`
Viewer presence is running.

  worker           ${worker.url}            (API reference: ${worker.url}/docs)
  Upstash REST     ${env.UPSTASH_REDIS_REST_URL}   (token ${env.UPSTASH_REDIS_REST_TOKEN}; counters at /__stats)
  redis-server     127.0.0.1:${stack.redis.port}
  DynamoDB (local) ${env.DYNAMODB_ENDPOINT}   (table ${env.DYNAMODB_TABLE}, in memory)
${defaults.length > 0 ? `\nLocal defaults (set these variables to choose your own):\n${defaults.map((line) => `  ${line}`).join("\n")}\n` : ""}
Try it:
  curl -s -X POST ${worker.url}/v1/stages -H 'authorization: Bearer ${vars.ADMIN_API_KEY}' \\
       -H 'content-type: application/json' -d '{"id":"demo","title":"Demo stage"}'
  curl -s -X POST ${worker.url}/v1/stages/demo/viewer-tokens -H 'authorization: Bearer ${vars.ADMIN_API_KEY}' \\
       -H 'content-type: application/json' -d '{"viewerId":"alice"}'
  curl -s -X POST ${worker.url}/v1/stages/demo/heartbeats -H 'authorization: Bearer <token>'
  curl -s ${worker.url}/v1/stages/demo/viewers
  curl -s "${worker.url}/__scheduled?cron=1-59/5+*+*+*+*"   # run the sync job now (the cron's handler)

Ctrl-C stops everything.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
