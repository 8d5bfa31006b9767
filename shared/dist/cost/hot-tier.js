/**
 * The Upstash side of the architectures that keep presence in Redis: what the heartbeats, leaves
 * and sync job send, and the bill on pay-as-you-go or on the fixed plans a buyer would pick, with
 * the notes that say why (the deciding limit, how stages spread, when to ask for Enterprise) and
 * the Prod Pack priced as an option.
 */
import { MAX_STAGE_DATABASES } from "../stage.js";
import { limit, peakPerSec } from "./model-kit.js";
import { plural } from "./text.js";
import { BYTES_PER_GB, upstashPaygCost } from "./tiers.js";
import { cheaperSet, MAX_DATABASES, selectFixedPlan, } from "./upstash-plans.js";
import { monthlyUsage } from "./usage.js";
const BYTES_PER_MB = 1e6;
const usd = (v) => `$${Math.round(v).toLocaleString("en-US")}`;
const count = (v) => Math.round(v).toLocaleString("en-US");
/** Upstash traffic: heartbeats and leaves, and the sync job's when it runs. */
export function hotTier(input, withSyncJob) {
    const { u } = input;
    const commands = u.heartbeatCommands + u.leaveCommands + (withSyncJob ? u.syncCommands : 0);
    return {
        commands,
        bandwidthBytes: u.heartbeatBandwidthBytes + u.leaveBandwidthBytes + (withSyncJob ? u.syncBandwidthBytes : 0),
        // Measured with a closed window awaiting sync; without the job the open one alone is held
        // (179 B against 186 B a viewer, redis-memory.ts), too close to model apart.
        dataBytes: u.redisDataBytes,
        peakCommandsPerSec: peakPerSec(commands, input),
    };
}
export function hotCounts(hot) {
    return {
        redisCommands: hot.commands,
        redisBandwidthGb: hot.bandwidthBytes / BYTES_PER_GB,
        redisDataMb: hot.dataBytes / BYTES_PER_MB,
        redisPeakCommandsPerSec: hot.peakCommandsPerSec,
    };
}
function requirements(input, hot) {
    return {
        dataBytes: hot.dataBytes,
        monthlyBandwidthBytes: hot.bandwidthBytes,
        peakCommandsPerSec: hot.peakCommandsPerSec,
        largestRequestBytes: input.w.redisBytesPerHeartbeat,
    };
}
/** How stages share several databases, and what to configure for it. */
function spreadNote(databases, stages) {
    if (databases <= 1)
        return [];
    return [
        `Priced as ${databases} databases each carrying 1/${databases} of the load: list them all in UPSTASH_REDIS_REST_URL and _TOKEN and create each stage with \`databases: ${Math.min(databases, MAX_STAGE_DATABASES)}\`, so its viewers spread evenly. Placed whole, ${plural(stages, "stage")} land on ${databases} databases by rendezvous hashing, which does not share them evenly.`,
    ];
}
/** When to ask Upstash (and Cloudflare) for Enterprise instead of plans. */
function enterpriseNote(input, hot, fits) {
    const threshold = input.c.upstash.enterpriseCommandsPerSec.value;
    if (fits && hot.peakCommandsPerSec < threshold / 2)
        return [];
    const billion = input.u.heartbeats / 1e9;
    return [
        `Enterprise: Upstash sells it from ${count(threshold)} commands/s (custom price, unlimited bandwidth and databases); this audience peaks at ${count(hot.peakCommandsPerSec)} commands/s${fits ? "" : `, and no set of at most ${MAX_DATABASES} databases of one plan carries it`}. Workers would serve ${billion.toFixed(1)} billion heartbeats a month, each a request: Cloudflare publishes no threshold, but that is a volume to price with their sales too.`,
    ];
}
/** Upstash pay-as-you-go, spread over as many databases as the per-database limits require. */
export function paygBill(input, hot, notes) {
    const p = input.c.upstash.payg;
    const databases = Math.max(1, Math.ceil(hot.peakCommandsPerSec / p.maxCommandsPerSec.value), Math.ceil(hot.dataBytes / p.maxDataBytes.value));
    const perDatabase = databases > 1 ? ` (each of ${databases} databases)` : " (one database)";
    return {
        cost: upstashPaygCost({ ...hot, databases }, input.c),
        limits: [
            limit(`Upstash PAYG commands/s at peak${perDatabase}`, hot.peakCommandsPerSec / databases, p.maxCommandsPerSec.value, "commands/s"),
            limit(`Upstash PAYG data size${perDatabase}`, hot.dataBytes / databases, p.maxDataBytes.value, "bytes"),
            limit("Upstash max request size (heartbeat pipeline)", input.w.redisBytesPerHeartbeat, p.maxRequestBytes.value, "bytes"),
        ],
        plan: { name: "Upstash pay-as-you-go", databases },
        notes: [
            ...notes,
            ...spreadNote(databases, input.w.stages),
            ...enterpriseNote(input, hot, true),
        ],
        options: [prodPack(databases, input.c.upstash.prodPackPerDatabase.value)],
    };
}
const PROD_PACK = "Upstash Prod Pack";
function prodPack(databases, perDatabase) {
    return {
        name: PROD_PACK,
        monthlyUsd: databases * perDatabase,
        note: `Uptime SLA, multi-zone replication, encryption at rest: $${perDatabase} a month a database (${plural(databases, "database")}).`,
    };
}
function describeChoice(choice) {
    const each = `$${choice.plan.monthly.value} a month each`;
    const set = `${choice.databases} x ${choice.plan.name} (${each}; commands are not billed)`;
    if (choice.decidedBy.length === 0)
        return `${set}: the smallest plan fits every limit.`;
    const limits = choice.limits.filter((l) => choice.decidedBy.some((name) => l.name.endsWith(name)));
    const because = limits
        .map((l) => `${l.name.replace(`${choice.plan.name} `, "")} (${describeUse(l, choice)})`)
        .join(", ");
    return choice.databases === 1
        ? `${set}, chosen for its ${because}: a smaller plan's database cannot carry it.`
        : `${set}: no single database carries the load; this is the cheapest set, its size set by ${because}.`;
}
function describeUse(l, choice) {
    const total = l.used * choice.databases;
    const q = (v) => l.unit === "commands/s"
        ? `${count(v)}/s`
        : v >= 1e12
            ? `${(v / 1e12).toFixed(1)} TB`
            : v >= 1e9
                ? `${(v / 1e9).toFixed(0)} GB`
                : `${(v / 1e6).toFixed(0)} MB`;
    return choice.databases === 1
        ? `${q(total)} of ${q(l.limit)}`
        : `${q(total)} in all, ${q(l.limit)} a database`;
}
/** The fixed plans a buyer would pick for `hot`, with why, the Prod Pack and a cheaper set. */
export function fixedBill(input, hot, notes) {
    const plans = input.c.upstash.fixedPlans;
    const perPack = input.c.upstash.prodPackPerDatabase.value;
    const r = requirements(input, hot);
    const choice = selectFixedPlan(plans, r);
    const packed = selectFixedPlan(plans, r, { extraPerDatabaseUsd: perPack });
    const packNote = packed.plan === choice.plan && packed.databases === choice.databases
        ? undefined
        : `Uptime SLA, multi-zone replication, encryption at rest: $${perPack} a month a database, which makes ${packed.databases} x ${packed.plan.name} the cheaper set (${usd(packed.monthlyUsd)} with the packs, against ${usd(choice.monthlyUsd)} without).`;
    const cheaper = choice.databases === 1 ? cheaperSet(plans, r, choice) : undefined;
    return {
        cost: choice.monthlyUsd,
        limits: choice.limits,
        plan: { name: choice.plan.name, databases: choice.databases },
        notes: [
            describeChoice(choice),
            ...(cheaper === undefined
                ? []
                : [
                    `Cheaper, with every stage spread over several databases: ${cheaper.databases} x ${cheaper.plan.name} (${usd(cheaper.monthlyUsd)}).`,
                ]),
            ...notes,
            ...headerSensitivityNote(input, choice),
            ...spreadNote(choice.databases, input.w.stages),
            ...enterpriseNote(input, hot, choice.fits),
        ],
        options: [
            packNote === undefined
                ? prodPack(choice.databases, perPack)
                : { name: PROD_PACK, monthlyUsd: packed.monthlyUsd - choice.monthlyUsd, note: packNote },
        ],
    };
}
/**
 * What the fixed plan would be under the other reading of Upstash's bandwidth (bodies only, or
 * with HTTP headers): Upstash does not document which it meters, so the estimate shows both.
 */
function headerSensitivityNote(input, choice) {
    const { w } = input;
    if (w.redisHeaderBytesPerHeartbeat === 0)
        return [];
    const other = { ...w, redisBandwidthCountsHeaders: 1 - w.redisBandwidthCountsHeaders };
    const otherInput = { ...input, w: other, u: monthlyUsage(other) };
    const withSync = hotTier(otherInput, true);
    const alt = selectFixedPlan(input.c.upstash.fixedPlans, requirements(otherInput, withSync));
    const gb = (x) => hotTier(x, true).bandwidthBytes / BYTES_PER_GB;
    const counted = w.redisBandwidthCountsHeaders === 1;
    return [
        `Upstash does not document whether its bandwidth counts HTTP headers. ${counted ? "With" : "Bodies only"}: ${count(gb(input))} GB a month, ${choice.databases} x ${choice.plan.name}; ${counted ? "bodies only" : `with the ${w.redisHeaderBytesPerHeartbeat.toFixed(0)} B of headers a heartbeat measured locally`}: ${count(gb(otherInput))} GB, ${alt.databases} x ${alt.plan.name} (${usd(alt.monthlyUsd)}).`,
    ];
}
