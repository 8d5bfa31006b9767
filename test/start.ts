/**
 * `npm start`: the whole system on this machine, with no cloud account. Starts redis-server,
 * the Upstash-compatible REST endpoint over it, an in-memory DynamoDB-API server (dynalite)
 * with the table, and the worker under `wrangler dev`, on fixed ports (each overridable), then
 * waits for Ctrl-C and stops everything it started.
 *
 * `REDIS_DATABASES=N` starts N Upstash databases (a redis-server and an endpoint each, on the
 * ports after the first ones), handed to the worker as comma-separated URLs and tokens.
 * It writes `.local/stack.json` (URL and keys, for `npm run demo`) and `.local/stack.env` (the
 * worker's variables, for `npm run sync` and `sync:deno`), and removes both when it stops.
 * `UPSTASH_MAX_COMMANDS_PER_SECOND` caps each endpoint's commands per second, as a plan does.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { startLocalStack, startWranglerDev } from "./stack";
import { removeStackFile, writeStackEnvFile, writeStackFile } from "./stack/stack-file";

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

/** A whole number from the environment, or `fallback` when unset. */
function count(variable: string, min: number, max: number, fallback?: number): number | undefined {
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${variable} must be a whole number from ${min} to ${max}, got "${raw}"`);
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
    "ANALYTICS_API_KEY",
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
    databases: count("REDIS_DATABASES", 1, 64, 1),
    maxCommandsPerSecond: count("UPSTASH_MAX_COMMANDS_PER_SECOND", 1, 1_000_000),
  });
  let worker: Awaited<ReturnType<typeof startWranglerDev>> | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping…");
    await removeStackFile();
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
      // Kept across runs of npm start, where wrangler keeps it by default.
      persistTo: join(process.cwd(), ".wrangler", "state"),
      // The worker's logs (requests, sync reports) follow the banner in this terminal.
      echo: process.stdout,
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stop(1);
    return;
  }

  const env = stack.env;
  // For `npm run demo` and `npm run sync` in another terminal: the URL, keys and the worker's
  // variables, so nothing needs copying.
  await writeStackEnvFile({ ...stack.env, ...vars });
  await writeStackFile({
    url: worker.url,
    upstashUrls: stack.databases.map(({ proxy }) => proxy.url),
    adminKey: vars.ADMIN_API_KEY!,
    ...(vars.ANALYTICS_API_KEY ? { analyticsKey: vars.ANALYTICS_API_KEY } : {}),
  });
  const cap = process.env.UPSTASH_MAX_COMMANDS_PER_SECOND;
  const databases = stack.databases
    .map(
      ({ proxy, redis }, i) =>
        `  Upstash REST ${String(i + 1).padEnd(3)} ${proxy.url}   (token ${proxy.token}; counters at /__stats)\n` +
        `  redis-server ${String(i + 1).padEnd(3)} 127.0.0.1:${redis.port}`,
    )
    .join("\n");
  console.log(`
Viewer presence is running.

  worker           ${worker.url}            (API reference: ${worker.url}/docs)
${databases}${cap ? `\n  (each Upstash endpoint refuses more than ${cap} commands per second)` : ""}
  DynamoDB (local) ${env.DYNAMODB_ENDPOINT}   (table ${env.DYNAMODB_TABLE}, in memory)
${defaults.length > 0 ? `\nLocal defaults (set these variables to choose your own):\n${defaults.map((line) => `  ${line}`).join("\n")}\n` : ""}
Try it:
  curl -s -X POST ${worker.url}/v1/stages -H 'authorization: Bearer ${vars.ADMIN_API_KEY}' \\
       -H 'content-type: application/json' -d '{"id":"demo","title":"Demo stage"}'
  T=$(curl -s -X POST ${worker.url}/v1/stages/demo/viewer-tokens -H 'authorization: Bearer ${vars.ADMIN_API_KEY}' \\
       -H 'content-type: application/json' -d '{"viewerId":"alice"}' \\
       | node -p 'JSON.parse(require("fs").readFileSync(0)).token')
  curl -s -X POST ${worker.url}/v1/stages/demo/heartbeats -H "authorization: Bearer $T"
  curl -s ${worker.url}/v1/stages/demo/viewers
  npm run sync   # run the sync job now, in another terminal (it reads .local/stack.env)

Console: ${worker.url}/console/ (the admin key above; \`npm run demo\` in another terminal fills it)

Ctrl-C stops everything.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
