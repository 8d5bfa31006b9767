import type { Redis } from "@upstash/redis";

type Pipeline = ReturnType<Redis["pipeline"]>;

/** A script call in a pipelined request: sent as EVALSHA, its text only when Redis lacks it. */
export interface ScriptCall {
  script: string;
  keys: string[];
  args: string[];
  /**
   * The commands Upstash bills for this call, which its per-second cap counts too: EVALSHA plus
   * each `redis.call` the script runs on its usual path. Upstash's Ratelimit "Costs" page
   * (upstash.com/docs/redis/sdks/ratelimit-ts/costs, read 2026-12-07) counts its scripts so:
   * "EVAL, INCR, PEXPIRE" is 3 commands; its billing page (redis/overall/billing) bills each
   * command of a pipeline. The edge's command budget charges this before sending, when the data
   * that decides the path is not known yet. Absent: {@link UNDECLARED_SCRIPT_COMMANDS}.
   */
  commands?: number;
}

/** What a script call that does not declare its cost is charged: EVALSHA and one command. */
export const UNDECLARED_SCRIPT_COMMANDS = 2;

/** The commands a pipelined request of `steps` is billed: one a plain step, a script's own. */
export function commandsIn(steps: readonly PipelineStep[]): number {
  return steps.reduce(
    (sum, step) =>
      sum + (typeof step === "function" ? 1 : (step.commands ?? UNDECLARED_SCRIPT_COMMANDS)),
    0,
  );
}

/**
 * A step of a pipelined request: ONE plain command added to the pipeline, or a script call.
 * Replies come back one a step, so a step adds exactly one command ({@link execPipeline} checks).
 */
export type PipelineStep = ((pipeline: Pipeline) => void) | ScriptCall;

/** SHA-1 of a script's text, as EVALSHA names it (hex). */
export async function scriptSha1(script: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(script));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * A memo of {@link scriptSha1}: each script's digest kept once known (per isolate, per run).
 * It keeps the digest, never the promise of it: in a Worker, a promise one request started
 * never settles for another once the first is cancelled (a client that went away), and every
 * request waiting for it would hang. Requests that find no digest yet each compute it.
 */
export function createScriptDigests(): (script: string) => Promise<string> {
  const digests = new Map<string, string>();
  return async (script) => {
    let digest = digests.get(script);
    if (digest === undefined) {
      digest = await scriptSha1(script);
      digests.set(script, digest);
    }
    return digest;
  };
}

/**
 * Sends the steps as ONE pipelined request, scripts as EVALSHA (a few dozen bytes instead of
 * their text). When Redis lacks a script (NOSCRIPT: a new or restarted database), every step
 * from the first such one on is sent again in a second request, scripts with their text: so a
 * read placed after a write (a count after a heartbeat) still runs after it. The steps before
 * it are not repeated; the ones from it on must be safe to repeat (our pipelines put their one
 * write first, and repeat only reads, EXPIREs and idempotent writes). Any other error fails the
 * call. `sha1` gives digests (an isolate caches them, {@link createScriptDigests}; a rare call
 * may compute its own). Returns the replies in step order.
 *
 * This is the one place that sends Redis pipelines and script calls: every other file builds
 * steps and hands them here.
 */
export async function execPipeline(
  redis: Pick<Redis, "pipeline">,
  steps: readonly PipelineStep[],
  sha1: (script: string) => Promise<string> = scriptSha1,
): Promise<unknown[]> {
  const pipeline = redis.pipeline();
  for (const step of steps) {
    if (typeof step === "function") addOneCommand(pipeline, step);
    else pipeline.evalsha(await sha1(step.script), step.keys, step.args);
  }
  const replies = await pipeline.exec<unknown[]>({ keepErrors: true });
  let firstMissing = -1;
  replies.forEach(({ error }, i) => {
    if (error === undefined) return;
    const missingScript = typeof steps[i] !== "function" && /NOSCRIPT/i.test(error);
    if (!missingScript) {
      // A step after a missing script is sent again anyway; its error then counts.
      if (firstMissing >= 0 && i > firstMissing) return;
      throw new Error(`Redis refused a pipelined command: ${error}`);
    }
    if (firstMissing < 0) firstMissing = i;
  });
  const results = replies.map(({ result }) => result);
  if (firstMissing < 0) return results;
  const retry = redis.pipeline();
  for (const step of steps.slice(firstMissing)) {
    if (typeof step === "function") addOneCommand(retry, step);
    else retry.eval(step.script, step.keys, step.args);
  }
  const again = await retry.exec<unknown[]>();
  again.forEach((reply, i) => {
    results[firstMissing + i] = reply;
  });
  return results;
}

/** Adds a plain step, refusing one that adds no command or several: replies would shift. */
function addOneCommand(pipeline: Pipeline, step: (pipeline: Pipeline) => void): void {
  const before = pipeline.length();
  step(pipeline);
  if (pipeline.length() !== before + 1) {
    throw new Error(`a pipeline step added ${pipeline.length() - before} commands, not one`);
  }
}
