import type { Redis } from "@upstash/redis";

type Pipeline = ReturnType<Redis["pipeline"]>;

/** A script call in a pipelined request: sent as EVALSHA, its text only when Redis lacks it. */
export interface ScriptCall {
  script: string;
  keys: string[];
  args: string[];
}

/** A step of a pipelined request: a plain command, or a script call. */
export type PipelineStep = ((pipeline: Pipeline) => void) | ScriptCall;

/** SHA-1 of a script's text, as EVALSHA names it (hex). */
export async function scriptSha1(script: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(script));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Sends the steps as ONE pipelined request, scripts as EVALSHA (a few dozen bytes instead of
 * their text). A script Redis has not seen (NOSCRIPT: a new or restarted database) is sent again
 * with its text in a second request, alone with the other scripts that failed so: writes that
 * went through are not repeated. Any other error fails the call. `sha1` gives digests (an isolate caches them; see
 * {@link scriptSha1}). Returns the replies in step order.
 */
export async function execPipeline(
  redis: Pick<Redis, "pipeline">,
  steps: readonly PipelineStep[],
  sha1: (script: string) => Promise<string>,
): Promise<unknown[]> {
  const pipeline = redis.pipeline();
  for (const step of steps) {
    if (typeof step === "function") step(pipeline);
    else pipeline.evalsha(await sha1(step.script), step.keys, step.args);
  }
  const replies = await pipeline.exec<unknown[]>({ keepErrors: true });
  const missing: number[] = [];
  replies.forEach(({ error }, i) => {
    if (error === undefined) return;
    if (typeof steps[i] !== "function" && /NOSCRIPT/i.test(error)) missing.push(i);
    else throw new Error(`Redis refused a pipelined command: ${error}`);
  });
  const results = replies.map(({ result }) => result);
  if (missing.length === 0) return results;
  const retry = redis.pipeline();
  for (const i of missing) {
    const { script, keys, args } = steps[i] as ScriptCall;
    retry.eval(script, keys, args);
  }
  const again = await retry.exec<unknown[]>();
  missing.forEach((at, i) => {
    results[at] = again[i];
  });
  return results;
}
