/**
 * The Cloudflare side of a deployment, with wrangler: the sync job's queue, which secrets the
 * worker already has, and the deploy itself with the secrets it lacks.
 */
import type { Shell } from "./shell";

/** What the setup takes from wrangler.toml, the one home of the worker's settings. */
export interface WranglerSettings {
  /** The Worker's name. */
  name: string;
  /** `[vars]` DYNAMODB_TABLE and AWS_REGION: where the worker looks for its table. */
  table: string;
  region: string;
  /** The sync job's queue (`[[queues.producers]]`). */
  queue: string;
}

/** Reads the few settings the setup needs from wrangler.toml's text. */
export function readWranglerSettings(toml: string): WranglerSettings {
  const value = (pattern: RegExp, what: string): string => {
    const found = pattern.exec(toml)?.[1];
    if (found === undefined) throw new Error(`wrangler.toml has no ${what}`);
    return found;
  };
  return {
    name: value(/^name\s*=\s*"([^"]+)"/m, "name"),
    table: value(/^DYNAMODB_TABLE\s*=\s*"([^"]+)"/m, "DYNAMODB_TABLE in [vars]"),
    region: value(/^AWS_REGION\s*=\s*"([^"]+)"/m, "AWS_REGION in [vars]"),
    queue: value(/\[\[queues\.producers\]\][^[]*?queue\s*=\s*"([^"]+)"/, "queue producer"),
  };
}

/** Checks that wrangler is logged in to Cloudflare. */
export async function checkWranglerLogin(shell: Shell): Promise<void> {
  const whoami = await shell({
    args: ["wrangler", "whoami"],
    why: "wrangler is logged in (npx wrangler login, or CLOUDFLARE_API_TOKEN)",
  });
  if (!whoami.ok || /not authenticated/i.test(whoami.stdout)) {
    throw new Error("wrangler is not logged in: run `npx wrangler login` first");
  }
}

/** Creates the sync job's queue unless it exists. */
export async function ensureQueue(shell: Shell, queue: string): Promise<void> {
  const created = await shell({
    args: ["wrangler", "queues", "create", queue],
    why: "the sync job's fan-out: the cron enqueues one message per Redis database",
    alreadyDone: /already (exists|taken)|exists already/i,
  });
  if (!created.ok) throw new Error(`could not create the queue ${queue}`);
}

/** The names of the secrets the deployed worker has (none before its first deploy). */
export async function secretsOnWorker(shell: Shell, worker: string): Promise<Set<string>> {
  const listed = await shell({
    args: ["wrangler", "secret", "list", "--name", worker, "--format", "json"],
    why: "which secrets the worker already has (kept as they are: never rotated by a rerun)",
    dry: { fails: true },
  });
  if (!listed.ok) return new Set();
  try {
    const secrets = JSON.parse(listed.stdout) as { name: string }[];
    return new Set(secrets.map(({ name }) => name));
  } catch {
    throw new Error(`could not read wrangler secret list's answer:\n${listed.stdout}`);
  }
}

/** `wrangler deploy`, uploading `secretsFile` (JSON) with the version when there is one. */
export async function deployWorker(shell: Shell, secretsFile: string | undefined): Promise<void> {
  const deployed = await shell({
    args: ["wrangler", "deploy", ...(secretsFile ? ["--secrets-file", secretsFile] : [])],
    why: "bundle and upload the worker, its console and its cron trigger (1-59/5 * * * *)",
  });
  if (!deployed.ok) throw new Error("wrangler deploy failed");
}
