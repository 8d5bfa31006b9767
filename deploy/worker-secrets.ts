/**
 * Which secrets a deployment setup gives the worker, and where each value comes from. A secret
 * the worker already has is kept (a rerun never rotates the admin key or logs viewers out),
 * unless the environment gives a new value.
 */
import { randomBytes } from "node:crypto";
import { ConfigError, parseConfig } from "@viewer-presence/shared/config";
import type { WorkerAccessKey } from "./aws-steps";

/** Secrets the worker cannot run without (wrangler.toml's header lists them too). */
export const REQUIRED_SECRETS = [
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
  "ADMIN_API_KEY",
  "VIEWER_TOKEN_SECRET",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
] as const;

/** Secrets set only when the environment gives them. */
export const OPTIONAL_SECRETS = ["ANALYTICS_API_KEY", "VIEWER_TOKEN_PREVIOUS_SECRETS"] as const;

/** Generated when neither the worker nor the environment has one. */
const GENERATED: Record<string, () => string> = {
  ADMIN_API_KEY: () => randomBytes(24).toString("base64url"),
  VIEWER_TOKEN_SECRET: () => randomBytes(32).toString("hex"),
};

export interface SecretChoice {
  /** Name to value: what the deploy uploads. */
  values: Record<string, string>;
  /** Names whose value was generated here (printed once: keep them). */
  generated: string[];
  /** Required names with no value anywhere: the setup stops and says which. */
  missing: string[];
}

/**
 * The secrets to upload: from the environment, else generated (keys), else the new access key
 * (AWS: never the environment's AWS keys, which are the operator's own for the AWS CLI).
 */
export function chooseSecrets(
  env: Record<string, string | undefined>,
  onWorker: ReadonlySet<string>,
  accessKey: WorkerAccessKey | undefined,
): SecretChoice {
  const choice: SecretChoice = { values: {}, generated: [], missing: [] };
  const given = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  for (const name of REQUIRED_SECRETS) {
    const fromKey =
      name === "AWS_ACCESS_KEY_ID"
        ? accessKey?.accessKeyId
        : name === "AWS_SECRET_ACCESS_KEY"
          ? accessKey?.secretAccessKey
          : undefined;
    const value = name.startsWith("AWS_") ? fromKey : given(name);
    if (value !== undefined) choice.values[name] = value;
    else if (onWorker.has(name)) continue;
    else if (GENERATED[name]) {
      choice.values[name] = GENERATED[name]();
      choice.generated.push(name);
    } else choice.missing.push(name);
  }
  for (const name of OPTIONAL_SECRETS) {
    const value = given(name);
    if (value !== undefined) choice.values[name] = value;
  }
  return choice;
}

/**
 * Checks the values about to be uploaded with the worker's own parser (shared/config.ts), so a
 * bad URL or a short key stops the setup instead of deploying a worker that answers 503. Secrets
 * the worker keeps are stood in for by valid values. Resolves to the problems, if any.
 */
export function checkSecrets(
  values: Record<string, string>,
  place: { table: string; region: string },
): string[] {
  const standIns: Record<string, string> = {
    UPSTASH_REDIS_REST_URL: "https://kept.upstash.io",
    UPSTASH_REDIS_REST_TOKEN: "kept",
    ADMIN_API_KEY: "kept-admin-key-0123456789",
    VIEWER_TOKEN_SECRET: "kept-viewer-token-secret-0123456789abcdef",
    AWS_ACCESS_KEY_ID: "kept",
    AWS_SECRET_ACCESS_KEY: "kept",
  };
  try {
    parseConfig({
      ...standIns,
      ...values,
      DYNAMODB_TABLE: place.table,
      AWS_REGION: place.region,
    });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
