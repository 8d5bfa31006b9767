/**
 * The seed document's cost tables: reproduced under its own assumptions, then corrected.
 *
 * The seed's assumptions: 10,000 viewers make 1.22 M writes and 1.2 M reads an hour (both
 * scale with viewers), each read is one read unit, DynamoDB on-demand prices from before
 * 1 Nov 2024 ($1.25 / $0.25 per million), and a 720-hour (30-day) month. 720 h reproduces its
 * $1,320 / $6,600 within 0.5% ($1,314 / $6,570); 730 h gives $1,332 / $6,661 (within 1% too,
 * but further off), so the seed used 30-day months.
 */
import { SEED_ERA_CATALOGUE } from "./catalogue-history.js";
import { estimateMonthlyCost } from "./estimate.js";
import { CURRENT_CATALOGUE } from "./prices.js";
import { defaultWorkload } from "./workload.js";
export const SEED_ASSUMPTIONS = {
    viewers: 10_000,
    writesPerHour: 1_220_000,
    readsPerHour: 1_200_000,
    readUnitsPerRead: 1,
    hoursPerMonth: 720,
};
/** The seed's pure-DynamoDB bill: its request counts (scaled to `viewers`) at `catalogue`'s prices. */
export function seedPureDynamoBill(viewers, catalogue = SEED_ERA_CATALOGUE, hoursPerMonth = SEED_ASSUMPTIONS.hoursPerMonth) {
    const scale = (viewers / SEED_ASSUMPTIONS.viewers) * hoursPerMonth;
    const od = catalogue.dynamodb.onDemand;
    const writesUsd = ((SEED_ASSUMPTIONS.writesPerHour * scale) / 1e6) * od.writePerMillion.value;
    const readsUsd = ((SEED_ASSUMPTIONS.readsPerHour * SEED_ASSUMPTIONS.readUnitsPerRead * scale) / 1e6) *
        od.readPerMillion.value;
    return { writesUsd, readsUsd, totalUsd: writesUsd + readsUsd };
}
const usd = (low, high = low) => ({ low, high, unit: "USD/month" });
const pct = (value) => ({ low: value, high: value, unit: "%" });
const money = (v) => `$${Math.round(v).toLocaleString("en-US")}`;
const SCALES = [
    {
        viewers: 10_000,
        pure: 1320,
        batched: [250, 500],
        pureRedis: 22,
        redis: 22,
        redisNote: "seed: ElastiCache, about one cache.t4g.small",
        snapshots: 2,
        hybrid: 24,
        saving: 98.2,
    },
    {
        viewers: 50_000,
        pure: 6600,
        redis: 88,
        redisNote: "seed: ElastiCache r6g.large",
        snapshots: 10,
        hybrid: 98,
        saving: 98.5,
    },
];
/**
 * The seed's figures row by row, with the figure this model gives today and why they differ.
 * `workload` overrides the defaults (e.g. measured commands and bytes per heartbeat).
 */
export function seedComparison(options = {}) {
    const catalogue = options.catalogue ?? CURRENT_CATALOGUE;
    return SCALES.flatMap((s) => scaleRows(s, defaultWorkload({ ...options.workload, viewers: s.viewers }), catalogue));
}
const coldTier = (e) => e.tiers.dynamoWrites + e.tiers.dynamoStorage + e.tiers.transfer;
function scaleRows(s, w, catalogue) {
    const est = (id, o = {}) => estimateMonthlyCost({ ...w, ...o }, id, catalogue);
    const pure = est("dynamodb-on-demand");
    const fixed = est("redis-snapshots-fixed");
    const provisioned = est("dynamodb-provisioned");
    const unpacked = est("redis-snapshots-fixed", { viewingRecordPackingFactor: 1 });
    const nominal = est("redis-snapshots-fixed", { tabsPerViewer: 1, heartbeatsPerTabInterval: 1 });
    const withHeaders = est("redis-snapshots-fixed", { redisBandwidthCountsHeaders: 1 });
    const objects = est("durable-objects-snapshots");
    const r6g = catalogue.elasticache.nodes.find((n) => n.type === "cache.r6g.large");
    const row = (item, seed, corrected, reason) => ({
        viewers: s.viewers,
        item,
        ...(seed === undefined ? {} : { seed }),
        corrected,
        reason,
    });
    const rows = [
        {
            ...row("Pure DynamoDB, the seed's requests", usd(s.pure), seedPureDynamoBill(s.viewers, catalogue, w.hoursPerMonth).totalUsd, `Prices halved on 2024-11-01 ($1.25/$0.25 to $0.625/$0.125 per million); same requests, ${w.hoursPerMonth} h.`),
            reproduced: seedPureDynamoBill(s.viewers).totalUsd,
        },
        row("Pure DynamoDB, whole bill", usd(s.pure), pure.total, `The edge tier was left out: ${money(pure.tiers.edge)} of Workers requests and CPU; responses to the edge add ${money(pure.tiers.transfer)} of transfer; eventually consistent count reads cost half.`),
    ];
    if (s.batched !== undefined) {
        const batched = est("batched-heartbeat-writes");
        rows.push(row("Batched heartbeat writes (scheme 2)", usd(s.batched[0], s.batched[1]), batched.total, `BatchWriteItem bills per item: still ${(batched.counts.dynamoWriteUnits / 1e6).toFixed(0)} M write units a month (${money(batched.tiers.dynamoWrites)}), as many as one PutItem per heartbeat; batching cuts requests, not units. Plus the edge tier and ${batched.counts.dynamoStorageGb.toFixed(0)} GB of audit events.`));
    }
    if (s.pureRedis !== undefined) {
        const redisOnly = est("redis-only");
        rows.push(row("Pure Redis", usd(s.pureRedis), redisOnly.total, `ElastiCache cannot serve an edge worker (VPC only). Upstash counts every command: ${(redisOnly.counts.redisCommands / 1e6).toFixed(0)} M a month on pay-as-you-go is ${money(redisOnly.tiers.redis)}, plus ${money(redisOnly.tiers.edge)} edge.`));
        const redisFixed = est("redis-only-fixed");
        rows.push(row("Pure Redis on a fixed plan", usd(s.pureRedis), redisFixed.total, `Upstash ${redisFixed.plan?.databases ?? 1} x ${redisFixed.plan?.name ?? "?"} (${money(redisFixed.tiers.redis)}) plus ${money(redisFixed.tiers.edge)} edge: ${money(fixed.total - redisFixed.total)} below the hybrid. That difference is what durable history, billing records and restore after a Redis loss cost; without them, this is the cheapest way to count viewers.`));
    }
    const r6gNote = r6g !== undefined && s.viewers === 50_000
        ? ` An r6g.large is ${money(r6g.hourly.value * w.hoursPerMonth)} on demand, not $88, and unreachable from the edge.`
        : " ElastiCache cannot serve an edge worker.";
    rows.push(row(`Hot tier of the hybrid (${s.redisNote})`, usd(s.redis), fixed.tiers.redis, `Upstash ${fixed.plan?.databases ?? 1} x ${fixed.plan?.name ?? "?"}, chosen by its limits (${fixed.counts.redisBandwidthGb.toFixed(0)} GB bandwidth a month).${r6gNote}`), row("DynamoDB snapshots and viewing records", usd(s.snapshots), coldTier(fixed), `Depends on packing: ${w.viewingRecordPackingFactor} records an item gives ${money(coldTier(fixed))} at month ${w.historyMonths}; one record an item ${money(coldTier(unpacked))}; one snapshot per stage alone costs cents.`), row("Hybrid total (this system)", usd(s.hybrid), fixed.total, `The edge tier (${money(fixed.tiers.edge)}) is most of it; Upstash ${money(fixed.tiers.redis)}; DynamoDB ${money(coldTier(fixed))}.`), row("Of which heartbeats sent beyond one a viewer an interval", undefined, fixed.total - nominal.total, `The client beats every 0.90 to 0.98 of the interval (x${w.heartbeatsPerTabInterval.toFixed(3)} measured) and each extra tab beats too (${w.tabsPerViewer} a viewer assumed: a real audience's tabs are not known here): ${(fixed.counts.heartbeats / 1e6).toFixed(0)} M heartbeats a month against ${(nominal.counts.heartbeats / 1e6).toFixed(0)} M nominal${fixed.plan?.name === nominal.plan?.name ? "" : `, which moves the plan from ${nominal.plan?.name} to ${fixed.plan?.name}`}.`), row("Hybrid total if Upstash meters HTTP headers", undefined, withHeaders.total, `Upstash bills "bandwidth" without saying whether HTTP headers count: with the ${w.redisHeaderBytesPerHeartbeat.toFixed(0)} B a heartbeat @upstash/redis and the local endpoint exchange (HTTP/1.1, no TLS; production adds Cloudflare's and Upstash's own headers, not measured), ${withHeaders.counts.redisBandwidthGb.toFixed(0)} GB a month: ${withHeaders.plan?.databases ?? 1} x ${withHeaders.plan?.name ?? "?"}, against ${fixed.counts.redisBandwidthGb.toFixed(0)} GB and ${fixed.plan?.name ?? "?"} on bodies alone.`), row("DynamoDB storage, month 1 / 12 / 36", undefined, fixed.storageByMonth[2]?.usd ?? 0, `History is kept for good, so storage grows: ${fixed.storageByMonth.map((m) => `${m.gb.toFixed(1)} GB at month ${m.month} ($${m.usd.toFixed(2)}/month)`).join(", ")}; 25 GB are free. Snapshots expire after ${w.snapshotRetentionDays} days (SNAPSHOT_RETENTION_DAYS). The figure is month 36's.`), row("Durable Objects instead (not built)", undefined, objects.total, `One object per stage, tabs on hibernatable WebSockets (incoming messages billed 20 to 1, outgoing free), history to DynamoDB as here: ${money(objects.tiers.redis)} of objects, ${money(objects.tiers.edge)} of Workers. It wins on the bill because a heartbeat is no longer a Workers request; it loses a held connection per tab, reconnect storms on every deploy, a soft limit of ${catalogue.durableObjects.maxRequestsPerSecPerObject.value.toLocaleString("en-US")} requests/s per object (about ${(Math.round((catalogue.durableObjects.maxRequestsPerSecPerObject.value * w.heartbeatIntervalSec) / (w.tabsPerViewer * w.heartbeatsPerTabInterval * w.peakToAverage) / 1000) * 1000).toLocaleString("en-US")} viewers a stage at ${w.heartbeatIntervalSec} s and a x${w.peakToAverage} peak; a larger stage is split into shards), and a rewrite of client, edge and sync. Priced from Cloudflare's pages, not measured.`), row("Saving of the hybrid over pure DynamoDB", pct(s.saving), 100 * (1 - fixed.total / pure.total), `Against on-demand DynamoDB (${money(pure.total)}). Both bills include the edge tier today; the hybrid keeps history for far less, but not 98% less.`), row("Saving of the hybrid over provisioned DynamoDB", pct(s.saving), 100 * (1 - fixed.total / provisioned.total), `Against the same traffic on provisioned capacity (${money(provisioned.total)}: capacity sized to the average at 70 % utilisation; its peaks need auto scaling), the cheaper way to run pure DynamoDB steadily.`));
    return rows;
}
function figure(value, unit) {
    return unit === "%" ? `${value.toFixed(1)}%` : money(value);
}
const rowUnit = (r) => r.seed?.unit ?? "USD/month";
/** The comparison as a markdown table. */
export function renderSeedTableMarkdown(rows) {
    const lines = [
        "| Viewers | Item | Seed | Seed's assumptions, reproduced | Corrected (today) | Why |",
        "|---:|---|---:|---:|---:|---|",
    ];
    for (const r of rows) {
        const seed = r.seed === undefined
            ? "—"
            : r.seed.low === r.seed.high
                ? figure(r.seed.low, r.seed.unit)
                : `${figure(r.seed.low, r.seed.unit)}–${figure(r.seed.high, r.seed.unit)}`;
        const reproduced = r.reproduced === undefined ? "" : figure(r.reproduced, rowUnit(r));
        lines.push(`| ${r.viewers.toLocaleString("en-US")} | ${r.item} | ${seed} | ${reproduced} | ${figure(r.corrected, rowUnit(r))} | ${r.reason} |`);
    }
    return lines.join("\n");
}
