/** SHA-1 of a script's text, as EVALSHA names it (hex). */
export async function scriptSha1(script) {
    const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(script));
    return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
/**
 * A memo of {@link scriptSha1}: each script's digest kept once known (per isolate, per run).
 * It keeps the digest, never the promise of it: in a Worker, a promise one request started
 * never settles for another once the first is cancelled (a client that went away), and every
 * request waiting for it would hang. Requests that find no digest yet each compute it.
 */
export function createScriptDigests() {
    const digests = new Map();
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
 * call. `sha1` gives digests (an isolate caches them; see {@link scriptSha1}). Returns the
 * replies in step order.
 */
export async function execPipeline(redis, steps, sha1) {
    const pipeline = redis.pipeline();
    for (const step of steps) {
        if (typeof step === "function")
            step(pipeline);
        else
            pipeline.evalsha(await sha1(step.script), step.keys, step.args);
    }
    const replies = await pipeline.exec({ keepErrors: true });
    let firstMissing = -1;
    replies.forEach(({ error }, i) => {
        if (error === undefined)
            return;
        const missingScript = typeof steps[i] !== "function" && /NOSCRIPT/i.test(error);
        if (!missingScript) {
            // A step after a missing script is sent again anyway; its error then counts.
            if (firstMissing >= 0 && i > firstMissing)
                return;
            throw new Error(`Redis refused a pipelined command: ${error}`);
        }
        if (firstMissing < 0)
            firstMissing = i;
    });
    const results = replies.map(({ result }) => result);
    if (firstMissing < 0)
        return results;
    const retry = redis.pipeline();
    for (const step of steps.slice(firstMissing)) {
        if (typeof step === "function")
            step(retry);
        else
            retry.eval(step.script, step.keys, step.args);
    }
    const again = await retry.exec();
    again.forEach((reply, i) => {
        results[firstMissing + i] = reply;
    });
    return results;
}
