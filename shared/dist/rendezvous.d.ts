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
export declare function rendezvousWeight(databaseUrl: string, stageId: string): number;
/**
 * The index in `databaseUrls` of the database that holds `stageId`: the one of highest weight.
 * A tie (about 1 stage in 2^32 / N) goes to the smaller URL, so even ties do not depend on the
 * list's order; the lower index decides only between equal URLs, which config refuses.
 */
export declare function databaseForStage(databaseUrls: readonly string[], stageId: string): number;
/**
 * The indexes of the `k` databases of highest weight for `stageId`, highest first (the first is
 * {@link databaseForStage}); all of them, ranked, when there are fewer than `k`. For a stage
 * too large for one database: its viewers spread over these. The set has the same stability:
 * adding a database changes a stage's set only if the new one ranks in its top k (replacing the
 * k-th), and removing one changes only the sets that held it.
 */
export declare function databasesForStage(databaseUrls: readonly string[], stageId: string, k: number): number[];
/**
 * The databases a stage's viewers are spread over: its `databases` (declared at creation,
 * default 1) of highest weight, fewer when fewer are configured. The first is the stage's home
 * ({@link databaseForStage}): it holds the stage, answers for it, and its sync job syncs every
 * part of the stage's windows.
 */
export declare function stageDatabases(databaseUrls: readonly string[], stage: {
    id: string;
    databases?: number;
}): number[];
/**
 * The database one viewer of a stage writes to: one of {@link stageDatabases}, by a hash of the
 * viewer id, so a viewer stays in one database (its tabs and heartbeats with it) and viewers
 * spread evenly.
 */
export declare function viewerDatabase(databaseUrls: readonly string[], stage: {
    id: string;
    databases?: number;
}, viewerId: string): number;
