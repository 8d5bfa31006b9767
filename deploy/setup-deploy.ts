/**
 * `npm run setup-deploy`: a deployment from an empty Cloudflare and AWS account in one command,
 * with wrangler (logged in: `npx wrangler login`) and the AWS CLI (credentials that may create a
 * DynamoDB table and an IAM user). Create the Upstash database first (upstash.com; a fixed plan,
 * `npm run cost` says which) and pass its REST URL and token:
 *
 *   UPSTASH_REDIS_REST_URL=https://... UPSTASH_REDIS_REST_TOKEN=... npm run setup-deploy
 *   npm run setup-deploy -- --dry-run    # prints every command; bundles, uploads nothing
 *
 * In order: the table and TTL, an IAM user limited to it with an access key, the sync job's
 * queue, then `wrangler deploy` with the secrets the worker lacks (generated admin key and token
 * secret unless given; printed once). Safe to run again: each step looks before it creates, and
 * secrets the worker has are kept unless the environment gives new ones.
 *
 * The dry run needs no account, no network and no AWS CLI: it prints the commands of a first
 * setup and runs `wrangler deploy --dry-run` for real, printing the bundle's size.
 */
import { realpathSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { checkAwsCli, ensureTable, ensureWorkerUser } from "./aws-steps";
import {
  checkWranglerLogin,
  deployWorker,
  ensureQueue,
  readWranglerSettings,
  secretsOnWorker,
} from "./cloudflare-steps";
import { dryShell, realShell, type Shell } from "./shell";
import { checkSecrets, chooseSecrets } from "./worker-secrets";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

export const USAGE = `usage: npm run setup-deploy [-- --dry-run] [--new-access-key] [--iam-user NAME]
  --dry-run         print every command a first setup runs; bundle with wrangler deploy --dry-run
  --new-access-key  give the worker a new access key even if it has one (IAM keeps two a user)
  --iam-user NAME   the worker's IAM user (default viewer-presence-worker)
  --outdir DIR      with --dry-run: keep the bundle in DIR (default: a temporary directory)
Environment: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN (required unless the worker
has them); ADMIN_API_KEY, VIEWER_TOKEN_SECRET (generated when absent), ANALYTICS_API_KEY,
VIEWER_TOKEN_PREVIOUS_SECRETS (optional). Table and region: wrangler.toml's [vars].`;

export interface SetupArgs {
  dryRun: boolean;
  newAccessKey: boolean;
  iamUser: string;
  /** With `dryRun`: where the bundle is kept (default a temporary directory, removed). */
  outdir?: string;
  help: boolean;
}

export function parseSetupArgs(argv: readonly string[]): SetupArgs {
  const args: SetupArgs = {
    dryRun: false,
    newAccessKey: false,
    iamUser: "viewer-presence-worker",
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--dry-run") args.dryRun = true;
    else if (arg === "--new-access-key") args.newAccessKey = true;
    else if (arg === "--help" || arg === "-h") args.help = true;
    else if (arg === "--iam-user" && argv[i + 1]) args.iamUser = argv[++i]!;
    else if (arg === "--outdir" && argv[i + 1]) args.outdir = argv[++i]!;
    else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  return args;
}

/** The whole setup through `shell`; prints the secrets it generated, once. */
export async function setUpDeployment(
  shell: Shell,
  args: SetupArgs,
  env: Record<string, string | undefined>,
  print: (line: string) => void,
): Promise<void> {
  const settings = readWranglerSettings(await readFile(join(ROOT, "wrangler.toml"), "utf8"));
  print(`# Worker ${settings.name}; table ${settings.table} in ${settings.region} (wrangler.toml)`);
  await checkAwsCli(shell);
  await checkWranglerLogin(shell);
  const tableArn = await ensureTable(shell, settings);
  const onWorker = await secretsOnWorker(shell, settings.name);
  const hasKey = onWorker.has("AWS_ACCESS_KEY_ID") && onWorker.has("AWS_SECRET_ACCESS_KEY");
  const accessKey = await ensureWorkerUser(shell, {
    user: args.iamUser,
    tableArn,
    newKey: args.newAccessKey || !hasKey,
  });
  await ensureQueue(shell, settings.queue);

  const choice = chooseSecrets(
    args.dryRun ? { ...dryRunUpstash(env), ...env } : env,
    onWorker,
    accessKey,
  );
  if (choice.missing.length > 0) {
    throw new Error(`set ${choice.missing.join(" and ")} (your Upstash database's REST API)`);
  }
  const problems = checkSecrets(choice.values, settings);
  if (problems.length > 0) throw new Error(`bad secrets: ${problems.join("; ")}`);
  print(`# secrets to upload: ${Object.keys(choice.values).join(", ") || "none"}`);

  const dir = await mkdtemp(join(tmpdir(), "viewer-presence-secrets-"));
  try {
    const file = join(dir, "secrets.json");
    const names = Object.keys(choice.values);
    if (names.length > 0 && !args.dryRun) {
      await writeFile(file, JSON.stringify(choice.values), { mode: 0o600 });
    }
    await deployWorker(shell, names.length > 0 ? file : undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (args.dryRun) return;
  for (const name of choice.generated) {
    print(`${name}=${choice.values[name]}   (generated: keep it, it is not shown again)`);
  }
}

/** Placeholders for the Upstash secrets in a dry run that was given none. */
function dryRunUpstash(env: Record<string, string | undefined>): Record<string, string> {
  return env.UPSTASH_REDIS_REST_URL
    ? {}
    : {
        UPSTASH_REDIS_REST_URL: "https://your-database.upstash.io",
        UPSTASH_REDIS_REST_TOKEN: "your-upstash-token",
      };
}

/**
 * `wrangler deploy --dry-run --outdir <tmp>`, run for real (no account, no network), and the
 * bundle's size as the README states it: index.js in bytes and gzipped (zlib's default level).
 */
async function bundleForReal(print: (line: string) => void, keepIn?: string): Promise<void> {
  const outdir = keepIn ?? (await mkdtemp(join(tmpdir(), "viewer-presence-bundle-")));
  try {
    const result = await realShell(print)({
      args: ["wrangler", "deploy", "--dry-run", "--outdir", outdir],
      why: "bundle the worker as a deploy would, upload nothing",
    });
    if (!result.ok) throw new Error("wrangler deploy --dry-run failed");
    const bundle = await readFile(join(outdir, "index.js"));
    const gzipped = gzipSync(bundle).byteLength;
    print(
      `bundle: index.js ${(bundle.byteLength / 1e6).toFixed(2)} MB, ${Math.round(gzipped / 1e3)} KB gzipped (${bundle.byteLength} and ${gzipped} bytes)`,
    );
  } finally {
    if (keepIn === undefined) await rm(outdir, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const print = (line: string) => console.log(line);
  let args: SetupArgs;
  try {
    args = parseSetupArgs(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  if (args.help) {
    print(USAGE);
    return 0;
  }
  try {
    if (args.dryRun)
      print("# Dry run: the commands of a first setup; nothing runs but the bundle.");
    await setUpDeployment(
      args.dryRun ? dryShell(print) : realShell(print),
      args,
      process.env,
      print,
    );
    if (args.dryRun) await bundleForReal(print, args.outdir);
    return 0;
  } catch (error) {
    console.error(`setup-deploy: ${error instanceof Error ? error.message : error}`);
    return 1;
  }
}

const entry = process.argv[1];
// Run only when executed, not when imported; realpath so symlinks agree.
if (entry !== undefined && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = await main(process.argv.slice(2));
}
