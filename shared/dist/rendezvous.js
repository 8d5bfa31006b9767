/**
 * Which Upstash database(s) hold a stage, when there are several: rendezvous hashing (highest
 * random weight). Every database gets a pseudo-random weight for the stage, a hash of the
 * database's URL and the stage id, and the stage lives on the database of highest weight.
 *
 * Why this scheme: every isolate and the sync job compute the same answer from the list alone,
 * with no table to store or share; adding a database moves only the stages that now weigh most
 * on it (about 1/N of them), and removing one moves only its own stages, each to its
 * second-highest database. The weights are keyed by the database's URL, not by its place in the
 * list: reordering UPSTASH_REDIS_REST_URL (with its tokens) moves nothing, while changing how a
 * URL is spelled (host case, a port) moves the stages it holds, so keep each URL as configured
 * (shared/config.ts only strips trailing slashes).
 *
 * Pure and synchronous: no state, no I/O. Cost: one hash of about 40-100 characters per
 * database, well under a microsecond each.
 */
/**
 * The weight of `databaseUrl` for `stageId`, an unsigned 32-bit integer: FNV-1a over
 * `${databaseUrl}\n${stageId}` (over UTF-16 code units; URLs and stage ids are ASCII, so these
 * are their UTF-8 bytes), then MurmurHash3's 32-bit finalizer. FNV-1a alone mixes the last
 * characters through one multiplication only, so stage ids that differ at the end (`stage-1`,
 * `stage-2`, ...) would get weights that differ mostly in their low bits, and the comparison
 * between databases would not be fair; the finalizer spreads every input bit over the word.
 *
 * Changing this function moves stages between databases in every running deployment:
 * shared/rendezvous.test.ts pins a few values.
 */
export function rendezvousWeight(databaseUrl, stageId) {
    const key = `${databaseUrl}\n${stageId}`;
    let hash = 0x811c9dc5; // FNV-1a 32 offset basis
    for (let i = 0; i < key.length; i++) {
        hash ^= key.charCodeAt(i);
        hash = Math.imul(hash, 0x01000193); // FNV 32 prime
    }
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
    return hash >>> 0;
}
/**
 * The index in `databaseUrls` of the database that holds `stageId`: the one of highest weight.
 * A tie (about 1 stage in 2^32 / N) goes to the smaller URL, so even ties do not depend on the
 * list's order; the lower index decides only between equal URLs, which config refuses.
 */
export function databaseForStage(databaseUrls, stageId) {
    requireDatabases(databaseUrls);
    let best = 0;
    let bestWeight = -1;
    databaseUrls.forEach((url, i) => {
        const weight = rendezvousWeight(url, stageId);
        if (weight > bestWeight || (weight === bestWeight && url < (databaseUrls[best] ?? ""))) {
            best = i;
            bestWeight = weight;
        }
    });
    return best;
}
/**
 * The indexes of the `k` databases of highest weight for `stageId`, highest first (the first is
 * {@link databaseForStage}); all of them, ranked, when there are fewer than `k`. For a stage
 * too large for one database: its viewers spread over these. The set has the same stability:
 * adding a database changes a stage's set only if the new one ranks in its top k (replacing the
 * k-th), and removing one changes only the sets that held it.
 */
export function databasesForStage(databaseUrls, stageId, k) {
    requireDatabases(databaseUrls);
    if (!Number.isInteger(k) || k < 1) {
        throw new RangeError(`k must be a whole number of databases, at least 1; got ${k}`);
    }
    return databaseUrls
        .map((url, index) => ({ url, index, weight: rendezvousWeight(url, stageId) }))
        .sort((a, b) => b.weight - a.weight || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0) || a.index - b.index)
        .slice(0, k)
        .map((ranked) => ranked.index);
}
function requireDatabases(databaseUrls) {
    if (databaseUrls.length === 0)
        throw new RangeError("no database to choose from");
}
/**
 * The databases a stage's viewers are spread over: its `databases` (declared at creation,
 * default 1) of highest weight, fewer when fewer are configured. The first is the stage's home
 * ({@link databaseForStage}): it holds the stage, answers for it, and its sync job syncs every
 * part of the stage's windows.
 */
export function stageDatabases(databaseUrls, stage) {
    const declared = stage.databases ?? 1;
    if (declared <= 1 || databaseUrls.length <= 1)
        return [databaseForStage(databaseUrls, stage.id)];
    return databasesForStage(databaseUrls, stage.id, Math.min(declared, databaseUrls.length));
}
/**
 * The database one viewer of a stage writes to: one of {@link stageDatabases}, by a hash of the
 * viewer id, so a viewer stays in one database (its tabs and heartbeats with it) and viewers
 * spread evenly.
 */
export function viewerDatabase(databaseUrls, stage, viewerId) {
    const parts = stageDatabases(databaseUrls, stage);
    if (parts.length === 1)
        return parts[0];
    return parts[rendezvousWeight(`viewer\n${viewerId}`, stage.id) % parts.length];
}
