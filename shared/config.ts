/**
 * The one place that turns the environment (Worker bindings or `process.env`) into a typed,
 * validated configuration. Nothing else reads the environment, and nothing reads it at import.
 */

import { WINDOW_SEC } from "./windows";

/** SOCKET_FLUSH_GAP_SEC when unset, in s (also the cost model's default). */
export const DEFAULT_SOCKET_FLUSH_GAP_SEC = 20;
/** HEARTBEAT_INTERVAL_SEC when unset, in s (also the cost model's default). */
export const DEFAULT_HEARTBEAT_INTERVAL_SEC = 30;

/** One Upstash database: its REST URL (no trailing slash) and its token. */
export interface RedisDatabase {
  url: string;
  token: string;
}

/**
 * At most this many databases. Sized from the cost model at 10,000,000 viewers: 110 databases
 * at 10,000 commands/s (the calibrated 1.67 commands a heartbeat, the top of the hour's 1.23
 * times an average minute; `npm run cost -- --viewers 10000000` picks 114 x Fixed 10GB, set by
 * bandwidth); 256 leaves room for a busier audience. What grows with it: every
 * heartbeat hashes its stage once per database (shared/rendezvous.ts, microseconds), the
 * platform's totals read every database (two requests each, far below a Worker request's
 * subrequests), and the sync job runs once per database (in parallel in Node and Deno,
 * `SYNC_DATABASE_CONCURRENCY`; one queue message each in a Worker). One stage still spreads over
 * at most MAX_STAGE_DATABASES (shared/stage.ts).
 */
export const MAX_REDIS_DATABASES = 256;

/**
 * REDIS_COMMANDS_PER_SEC when unset, commands/s: the "Max Commands Per Second" of Upstash's
 * pay-as-you-go plan and of every fixed plan up to 50 GB (16,000 on the two largest;
 * cost/prices.ts).
 */
export const DEFAULT_REDIS_COMMANDS_PER_SEC = 10_000;

/** SYNC_DATABASE_CONCURRENCY when unset: databases the Node and Deno sync entries run at once. */
export const DEFAULT_SYNC_DATABASE_CONCURRENCY = 4;

/** Everything the worker and the sync job need, with units in the names. */
export interface Config {
  /** The first of `redisDatabases` (what a single-database deployment configures). */
  upstashRedisRestUrl: string;
  upstashRedisRestToken: string;
  /**
   * Every Upstash database, in the order `UPSTASH_REDIS_REST_URL` and `UPSTASH_REDIS_REST_TOKEN`
   * list them (comma-separated, one token per URL). At least one, at most
   * {@link MAX_REDIS_DATABASES}, no URL twice.
   */
  redisDatabases: RedisDatabase[];
  awsRegion: string;
  /** Absent on AWS, where the SDK finds credentials itself (role, profile). */
  awsCredentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  dynamodbTable: string;
  /** Local DynamoDB-API server only; absent means AWS. */
  dynamodbEndpoint?: string;
  adminApiKey: string;
  /** Read-only key for history and totals (ANALYTICS_API_KEY); absent: only the admin key. */
  analyticsApiKey?: string;
  /** Signs viewer tokens and presence tickets (VIEWER_TOKEN_SECRET). */
  viewerTokenSecret: string;
  /**
   * Secrets whose viewer tokens are still accepted, not used to sign
   * (VIEWER_TOKEN_PREVIOUS_SECRETS, comma-separated): rotating the secret without logging
   * every viewer out. Empty by default.
   */
  previousViewerTokenSecrets: string[];
  /** Prefix for every Redis key; lets tests and several deployments share one database. */
  redisKeyPrefix: string;
  /** How often viewers should send a heartbeat, in seconds (default 30). */
  heartbeatIntervalSec: number;
  /** A viewer counts as present this long after their last heartbeat, in seconds (default 120). */
  presenceTtlSec: number;
  /** Origins allowed to call the viewer-facing routes from a browser (default `*`). */
  corsOrigins: string[];
  /**
   * Cost-aware heartbeats: what the hot path (Workers + Upstash) may cost per month, USD. When
   * set, the sync job lengthens the interval (up to `heartbeatIntervalMaxSec`) for large
   * audiences. Absent: the interval stays `heartbeatIntervalSec`.
   */
  hotPathBudgetUsd?: number;
  /** The longest interval the budget may impose, in seconds (default 120). */
  heartbeatIntervalMaxSec: number;
  /**
   * How often at most a presence shard writes its sockets' joins, leaves and plays to Redis
   * between its once-a-slot writes, in s (SOCKET_FLUSH_GAP_SEC, default
   * {@link DEFAULT_SOCKET_FLUSH_GAP_SEC}, 1 to 3,600). The shard pushes its own joins and leaves
   * to its pages within about a second whatever this is; the gap bounds how late the API's count
   * (and other shards' pages) learn them, against one Upstash flush (about 9 commands) per gap
   * per shard. Priced by the cost model's `socketFlushGapSec`.
   */
  socketFlushGapSec: number;
  /** How Upstash bills this database: `fixed` (a plan; commands not billed) or `payg`. */
  upstashBilling: "fixed" | "payg";
  /** Days a snapshot is kept (its DynamoDB TTL; default 30). */
  snapshotRetentionDays: number;
  /**
   * Days an audit event is kept (default 30, as the cost model prices it); absent: for good
   * (`AUDIT_RETENTION_DAYS=0`).
   */
  auditRetentionDays?: number;
  /**
   * Whether `getViewerTotals` (the platform's total audience) answers anyone (default) or only
   * the admin key: a competitor may read a public total as often as it likes.
   */
  publicViewerTotals: boolean;
  /**
   * Whether the edge sheds load from a Redis database that stalls or makes calls wait: a
   * breaker and an in-flight budget per database (edge/redis-guard.ts). Default true;
   * `REDIS_LOAD_SHEDDING=false` lets every call wait for its deadline, to measure the difference.
   */
  redisLoadShedding: boolean;
  /**
   * Each database's command budget as one isolate spends it, commands/s, in the order of
   * `redisDatabases` (REDIS_COMMANDS_PER_SEC: one number for all, or one per database,
   * comma-separated; default {@link DEFAULT_REDIS_COMMANDS_PER_SEC}, every Upstash plan's
   * floor). Past it the edge answers 503 + `Retry-After: 1` at once instead of sending calls a
   * throttled database would keep past their deadline (edge/redis-guard.ts). Per isolate: with
   * several isolates on one database, give each its share.
   */
  redisCommandsPerSec: number[];
  /**
   * How many databases the Node CLI and the Deno cron sync at once (SYNC_DATABASE_CONCURRENCY,
   * default 4, 1 to {@link MAX_REDIS_DATABASES}), each run under its own database's lock. A run
   * holds its stages' windows in memory (about 54 MB at 1,000,000 viewers, BENCHMARKS.md), so
   * memory grows with it; 37 databases of 9-20 s each take 1.4-3 minutes at 4, within the
   * 5-minute cadence. A Worker fans out over its queue instead (sync/fan-out.ts).
   */
  syncDatabaseConcurrency: number;
}

/** Thrown when a variable is missing or malformed; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code = "config_invalid";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
  }
}

type Source = Record<string, unknown>;

/** What reaching the DynamoDB table takes: for the sync job, `db:create`, and the worker. */
export type TableConfig = Pick<
  Config,
  "awsRegion" | "dynamodbTable" | "dynamodbEndpoint" | "awsCredentials"
>;

/** A variable's trimmed text; undefined when unset or blank. */
function optionalText(env: Source, name: string): string | undefined {
  const value = env[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** Parses the DynamoDB part of the configuration; throws {@link ConfigError} listing every problem. */
export function parseTableConfig(env: Source): TableConfig {
  const problems: string[] = [];
  const config: TableConfig = {
    awsRegion: optionalText(env, "AWS_REGION") ?? "us-east-1",
    dynamodbTable: optionalText(env, "DYNAMODB_TABLE") ?? "ivs-viewer-snapshots",
  };
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(config.dynamodbTable)) {
    problems.push("DYNAMODB_TABLE must be 3-255 letters, digits, '_', '-' or '.'");
  }
  const accessKeyId = optionalText(env, "AWS_ACCESS_KEY_ID");
  const secretAccessKey = optionalText(env, "AWS_SECRET_ACCESS_KEY");
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    problems.push("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
  } else if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    const sessionToken = optionalText(env, "AWS_SESSION_TOKEN");
    config.awsCredentials = sessionToken
      ? { accessKeyId, secretAccessKey, sessionToken }
      : { accessKeyId, secretAccessKey };
  }
  const dynamodbEndpoint = optionalText(env, "DYNAMODB_ENDPOINT");
  if (dynamodbEndpoint !== undefined) {
    if (/^https?:\/\/[^\s]+$/.test(dynamodbEndpoint)) config.dynamodbEndpoint = dynamodbEndpoint;
    else problems.push(`DYNAMODB_ENDPOINT must be an http(s) URL, got "${dynamodbEndpoint}"`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * The databases from `UPSTASH_REDIS_REST_URL` and `UPSTASH_REDIS_REST_TOKEN`: comma-separated
 * lists of the same length, paired in order. Problems go to `problems`.
 */
function parseRedisDatabases(env: Source, problems: string[]): RedisDatabase[] {
  const list = (name: string): string[] => {
    const raw = env[name];
    if (typeof raw !== "string" || raw.trim() === "") {
      problems.push(`${name} is required`);
      return [];
    }
    const items = raw.split(",").map((item) => item.trim());
    if (items.includes("")) {
      problems.push(`${name} has an empty entry (list databases separated by single commas)`);
    }
    return items.filter((item) => item !== "");
  };
  const urls = list("UPSTASH_REDIS_REST_URL");
  const tokens = list("UPSTASH_REDIS_REST_TOKEN");

  urls.forEach((url, i) => {
    if (!/^https?:\/\/[^\s]+$/.test(url)) {
      const entry = urls.length > 1 ? ` (entry ${i + 1} of ${urls.length})` : "";
      problems.push(`UPSTASH_REDIS_REST_URL must be an http(s) URL${entry}, got "${url}"`);
    }
  });
  if (urls.length > 0 && tokens.length > 0 && urls.length !== tokens.length) {
    problems.push(
      `UPSTASH_REDIS_REST_URL lists ${urls.length} database(s) but UPSTASH_REDIS_REST_TOKEN ${tokens.length} token(s): give one token per URL, in the same order`,
    );
  }
  if (urls.length > MAX_REDIS_DATABASES) {
    problems.push(
      `UPSTASH_REDIS_REST_URL lists ${urls.length} databases; at most ${MAX_REDIS_DATABASES}`,
    );
  }
  const databases = urls.map((url, i) => ({
    url: url.replace(/\/+$/, ""),
    token: tokens[i] ?? "",
  }));
  // The same database twice would get two shares of the stages (shared/rendezvous.ts).
  const seen = new Set<string>();
  for (const { url } of databases) {
    const key = sameDatabaseKey(url);
    if (seen.has(key)) problems.push(`UPSTASH_REDIS_REST_URL lists ${url} more than once`);
    seen.add(key);
  }
  return databases;
}

/** Two spellings of one URL (host case, default port, trailing slash) give the same key. */
function sameDatabaseKey(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}`;
  } catch {
    return url;
  }
}

/** Parses and validates configuration; throws {@link ConfigError} listing every problem. */
/**
 * What a key sent as `Authorization: Bearer <key>` may be made of (RFC 6750's b64token, which
 * hono's bearerAuth enforces): a key with any other character could never be presented.
 */
const BEARER_TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;
const BEARER_TOKEN_RULE = (name: string) =>
  `${name} may hold only letters, digits and . _ ~ + / - (with = at the end), as a bearer token must`;

export function parseConfig(env: Source): Config {
  const problems: string[] = [];
  const text = (name: string, fallback?: string): string => {
    const value = optionalText(env, name);
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    problems.push(`${name} is required`);
    return "";
  };
  const optional = (name: string) => optionalText(env, name);
  const wholeNumber =
    (unit: string) =>
    (name: string, fallback: number, min: number, max: number): number => {
      const raw = optional(name);
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) {
        problems.push(
          `${name} must be a whole number of ${unit} from ${min} to ${max}, got "${raw}"`,
        );
        return fallback;
      }
      return value;
    };
  const seconds = wholeNumber("seconds");

  const redisDatabases = parseRedisDatabases(env, problems);
  const adminApiKey = text("ADMIN_API_KEY");
  if (adminApiKey !== "" && adminApiKey.length < 16) {
    problems.push("ADMIN_API_KEY must be at least 16 characters");
  }
  if (adminApiKey !== "" && !BEARER_TOKEN.test(adminApiKey)) {
    problems.push(BEARER_TOKEN_RULE("ADMIN_API_KEY"));
  }
  const analyticsApiKey = optional("ANALYTICS_API_KEY");
  if (analyticsApiKey !== undefined && analyticsApiKey.length < 16) {
    problems.push("ANALYTICS_API_KEY must be at least 16 characters");
  }
  if (analyticsApiKey !== undefined && !BEARER_TOKEN.test(analyticsApiKey)) {
    problems.push(BEARER_TOKEN_RULE("ANALYTICS_API_KEY"));
  }
  if (analyticsApiKey !== undefined && analyticsApiKey === adminApiKey) {
    problems.push("ANALYTICS_API_KEY must differ from ADMIN_API_KEY");
  }
  const viewerTokenSecret = text("VIEWER_TOKEN_SECRET");
  if (viewerTokenSecret !== "" && viewerTokenSecret.length < 32) {
    problems.push("VIEWER_TOKEN_SECRET must be at least 32 characters (HS256 wants 256 bits)");
  }
  const previousViewerTokenSecrets = (optional("VIEWER_TOKEN_PREVIOUS_SECRETS") ?? "")
    .split(",")
    .map((secret) => secret.trim())
    .filter((secret) => secret !== "");
  if (previousViewerTokenSecrets.some((secret) => secret.length < 32)) {
    problems.push("each of VIEWER_TOKEN_PREVIOUS_SECRETS must be at least 32 characters");
  }
  // At most a window: a slot is clipped at the window's end (windows.ts).
  const heartbeatIntervalSec = seconds(
    "HEARTBEAT_INTERVAL_SEC",
    DEFAULT_HEARTBEAT_INTERVAL_SEC,
    5,
    WINDOW_SEC,
  );
  const presenceTtlSec = seconds("PRESENCE_TTL_SEC", 120, 10, 3600);
  if (presenceTtlSec < heartbeatIntervalSec * 2) {
    problems.push(
      `PRESENCE_TTL_SEC (${presenceTtlSec}) must be at least twice HEARTBEAT_INTERVAL_SEC (${heartbeatIntervalSec}), or one late heartbeat drops a viewer`,
    );
  }
  const heartbeatIntervalMaxSec = seconds(
    "HEARTBEAT_INTERVAL_MAX_SEC",
    Math.max(120, heartbeatIntervalSec),
    5,
    3600,
  );
  if (heartbeatIntervalMaxSec < heartbeatIntervalSec) {
    problems.push("HEARTBEAT_INTERVAL_MAX_SEC must be at least HEARTBEAT_INTERVAL_SEC");
  }
  const socketFlushGapSec = seconds("SOCKET_FLUSH_GAP_SEC", DEFAULT_SOCKET_FLUSH_GAP_SEC, 1, 3600);
  const budgetRaw = optional("HOT_PATH_BUDGET_USD");
  const hotPathBudgetUsd = budgetRaw === undefined ? undefined : Number(budgetRaw);
  if (
    hotPathBudgetUsd !== undefined &&
    !(Number.isFinite(hotPathBudgetUsd) && hotPathBudgetUsd > 0)
  ) {
    problems.push(`HOT_PATH_BUDGET_USD must be a positive number of dollars, got "${budgetRaw}"`);
  }
  const upstashBilling = optional("UPSTASH_BILLING") ?? "fixed";
  if (upstashBilling !== "fixed" && upstashBilling !== "payg") {
    problems.push(`UPSTASH_BILLING must be "fixed" or "payg", got "${upstashBilling}"`);
  }
  const days = (name: string, fallback: number): number => {
    const raw = optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 36_500) {
      problems.push(`${name} must be a whole number of days from 0 to 36500, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const snapshotRetentionDays = days("SNAPSHOT_RETENTION_DAYS", 30);
  if (snapshotRetentionDays === 0) {
    problems.push("SNAPSHOT_RETENTION_DAYS must be at least 1");
  }
  const auditRetentionDays = days("AUDIT_RETENTION_DAYS", 30);
  const publicTotals = optional("PUBLIC_VIEWER_TOTALS") ?? "true";
  if (publicTotals !== "true" && publicTotals !== "false") {
    problems.push(`PUBLIC_VIEWER_TOTALS must be "true" or "false", got "${publicTotals}"`);
  }
  const loadShedding = optional("REDIS_LOAD_SHEDDING") ?? "true";
  if (loadShedding !== "true" && loadShedding !== "false") {
    problems.push(`REDIS_LOAD_SHEDDING must be "true" or "false", got "${loadShedding}"`);
  }
  const syncDatabaseConcurrency = wholeNumber("databases")(
    "SYNC_DATABASE_CONCURRENCY",
    DEFAULT_SYNC_DATABASE_CONCURRENCY,
    1,
    MAX_REDIS_DATABASES,
  );
  const redisCommandsPerSec = parseCommandBudgets(
    optional("REDIS_COMMANDS_PER_SEC"),
    Math.max(1, redisDatabases.length),
    problems,
  );
  let table: TableConfig = { awsRegion: "", dynamodbTable: "" };
  try {
    table = parseTableConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const redisKeyPrefix = optional("REDIS_KEY_PREFIX") ?? "";
  if (!/^[A-Za-z0-9:_-]{0,32}$/.test(redisKeyPrefix)) {
    problems.push("REDIS_KEY_PREFIX may hold at most 32 letters, digits, ':', '_' or '-'");
  }

  const config: Config = {
    upstashRedisRestUrl: redisDatabases[0]?.url ?? "",
    upstashRedisRestToken: redisDatabases[0]?.token ?? "",
    redisDatabases,
    ...table,
    adminApiKey,
    viewerTokenSecret,
    previousViewerTokenSecrets,
    redisKeyPrefix,
    heartbeatIntervalSec,
    presenceTtlSec,
    corsOrigins: (optional("CORS_ORIGINS") ?? "*").split(",").map((origin) => origin.trim()),
    heartbeatIntervalMaxSec,
    socketFlushGapSec,
    upstashBilling: upstashBilling === "payg" ? "payg" : "fixed",
    publicViewerTotals: publicTotals !== "false",
    redisLoadShedding: loadShedding !== "false",
    syncDatabaseConcurrency,
    redisCommandsPerSec,
    snapshotRetentionDays,
  };
  if (auditRetentionDays > 0) config.auditRetentionDays = auditRetentionDays;
  if (analyticsApiKey !== undefined) config.analyticsApiKey = analyticsApiKey;
  if (hotPathBudgetUsd !== undefined) config.hotPathBudgetUsd = hotPathBudgetUsd;
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** REDIS_COMMANDS_PER_SEC: one budget for every database, or one each; problems to `problems`. */
function parseCommandBudgets(
  raw: string | undefined,
  databases: number,
  problems: string[],
): number[] {
  const budgets = (raw ?? String(DEFAULT_REDIS_COMMANDS_PER_SEC)).split(",").map(Number);
  if (budgets.some((budget) => !Number.isInteger(budget) || budget < 1)) {
    problems.push(
      `REDIS_COMMANDS_PER_SEC must be whole numbers of commands/s from 1, got "${raw}"`,
    );
    return Array.from({ length: databases }, () => DEFAULT_REDIS_COMMANDS_PER_SEC);
  }
  if (budgets.length === 1) return Array.from({ length: databases }, () => budgets[0]!);
  if (budgets.length !== databases) {
    problems.push(
      `REDIS_COMMANDS_PER_SEC lists ${budgets.length} budgets for ${databases} databases: give one for all, or one per database`,
    );
  }
  return Array.from({ length: databases }, (_, i) => budgets[i] ?? DEFAULT_REDIS_COMMANDS_PER_SEC);
}

/** The viewer-token secrets a verifier accepts: the current one first, then previous ones. */
export function viewerTokenSecrets(
  config: Pick<Config, "viewerTokenSecret" | "previousViewerTokenSecrets">,
): string[] {
  return [config.viewerTokenSecret, ...config.previousViewerTokenSecrets];
}
