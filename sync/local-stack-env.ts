/**
 * The local stack's variables for the sync job's command-line entries (`npm run sync`,
 * `npm run sync:deno`): `npm start` writes the variables its worker runs with to
 * `.local/stack.env` (test/stack/stack-file.ts), so the sync job reaches the same Redis and
 * DynamoDB with no variable set by hand.
 *
 * The file fills in only what the environment leaves unset, and only when the environment names
 * no Upstash database: a shell pointed at a real deployment (`UPSTASH_REDIS_REST_URL` set) never
 * picks up the local DynamoDB endpoint or keys from a stack left running. This only chooses the
 * source; shared/config.ts still parses and checks every variable.
 */

/** The file, relative to the project's root (where npm runs scripts). */
export const LOCAL_STACK_ENV_PATH = ".local/stack.env";

/** `NAME=value` lines; blank lines and `#` comments skipped; no quoting (the writer needs none). */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const equals = trimmed.indexOf("=");
    if (equals <= 0) continue;
    vars[trimmed.slice(0, equals).trim()] = trimmed.slice(equals + 1).trim();
  }
  return vars;
}

/** What {@link withLocalStackEnv} decided, for the one line the entries print. */
export type LocalStackUse = "used" | "absent" | "ignored";

/**
 * The environment to parse: `env` with the file's variables added where `env` has none, when
 * `fileText` (the file's content, or undefined when there is none) applies.
 */
export function withLocalStackEnv(
  env: Record<string, string | undefined>,
  fileText: string | undefined,
): { env: Record<string, string | undefined>; use: LocalStackUse } {
  if (fileText === undefined) return { env, use: "absent" };
  const named = env.UPSTASH_REDIS_REST_URL;
  if (named !== undefined && named.trim() !== "") return { env, use: "ignored" };
  const merged: Record<string, string | undefined> = { ...parseEnvFile(fileText) };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== "") merged[name] = value;
  }
  return { env: merged, use: "used" };
}

/** The line an entry prints when it used the file (to stderr: stdout may carry JSON). */
export const LOCAL_STACK_NOTICE = `sync: using the local stack's variables from ${LOCAL_STACK_ENV_PATH} (written by npm start; set UPSTASH_REDIS_REST_URL to sync elsewhere)`;
