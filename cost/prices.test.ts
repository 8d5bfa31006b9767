import { describe, expect, it } from "vitest";
import { catalogueAsOf, onDemandPeriodOn, SEED_ERA_CATALOGUE } from "./catalogue-history";
import type { Figure } from "./catalogue-types";
import { CURRENT_CATALOGUE } from "./prices";
import { SOURCES } from "./sources";

/** Every figure in the catalogue, by its path ("dynamodb.onDemand.writePerMillion"). */
function figures(node: unknown, path = ""): Map<string, Figure> {
  const found = new Map<string, Figure>();
  if (node === null || typeof node !== "object") return found;
  if ("value" in node && "unit" in node && "source" in node) {
    found.set(path, node as Figure);
    return found;
  }
  for (const [key, child] of Object.entries(node)) {
    const label = Array.isArray(node) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    for (const [p, f] of figures(child, label)) found.set(p, f);
  }
  return found;
}

const GB = 1e9;
const MB = 1e6;
const TB = 1e12;

const plan = (i: number, usd: number, data: number, bw: number, cps: number, req: number) => ({
  [`upstash.fixedPlans[${i}].monthly`]: usd,
  [`upstash.fixedPlans[${i}].maxDataBytes`]: data,
  [`upstash.fixedPlans[${i}].monthlyBandwidthBytes`]: bw,
  [`upstash.fixedPlans[${i}].maxCommandsPerSec`]: cps,
  [`upstash.fixedPlans[${i}].maxRequestBytes`]: req,
});

/** Every figure of the current catalogue, pinned. Changing a price means changing it here too. */
const PINNED: Record<string, number> = {
  "dynamodb.onDemand.writePerMillion": 0.625,
  "dynamodb.onDemand.readPerMillion": 0.125,
  "dynamodb.provisioned.wcuHour": 0.00065,
  "dynamodb.provisioned.rcuHour": 0.00013,
  "dynamodb.provisioned.freeWcu": 25,
  "dynamodb.provisioned.freeRcu": 25,
  "dynamodb.storage.perGbMonth": 0.25,
  "dynamodb.storage.freeGb": 25,
  "dynamodb.standardIa.storageMultiplier": 0.4,
  "dynamodb.standardIa.requestMultiplier": 1.25,
  "dynamodb.units.writeUnitBytes": 1024,
  "dynamodb.units.readUnitBytes": 4096,
  "dynamodb.units.batchWriteMaxItems": 25,
  "dynamodb.pitrPerGbMonth": 0.2,
  "dynamodb.storageOverheadBytesPerItem": 100,
  "dynamodb.quotas.tableWriteUnitsPerSec": 40_000,
  "dynamodb.quotas.tableReadUnitsPerSec": 40_000,
  "upstash.payg.per100kCommands": 0.2,
  "upstash.payg.storagePerGbMonth": 0.25,
  "upstash.payg.freeStorageGb": 1,
  "upstash.payg.freeBandwidthGb": 200,
  "upstash.payg.bandwidthPerGb": 0.03,
  "upstash.payg.maxDataBytes": 100 * GB,
  "upstash.payg.maxCommandsPerSec": 10_000,
  "upstash.payg.maxRequestBytes": 10 * MB,
  "upstash.payg.freeDatabases": 10,
  "upstash.payg.perExtraDatabase": 0.5,
  ...plan(0, 10, 250 * MB, 50 * GB, 10_000, 10 * MB),
  ...plan(1, 20, 1 * GB, 100 * GB, 10_000, 10 * MB),
  ...plan(2, 100, 5 * GB, 500 * GB, 10_000, 20 * MB),
  ...plan(3, 200, 10 * GB, 1 * TB, 10_000, 30 * MB),
  ...plan(4, 400, 50 * GB, 5 * TB, 10_000, 50 * MB),
  ...plan(5, 800, 100 * GB, 10 * TB, 16_000, 75 * MB),
  ...plan(6, 1500, 500 * GB, 20 * TB, 16_000, 100 * MB),
  "upstash.prodPackPerDatabase": 200,
  "upstash.enterpriseCommandsPerSec": 100_000,
  "elasticache.nodes[0].hourly": 0.016,
  "elasticache.nodes[0].memoryGiB": 0.5,
  "elasticache.nodes[1].hourly": 0.032,
  "elasticache.nodes[1].memoryGiB": 1.37,
  "elasticache.nodes[2].hourly": 0.034,
  "elasticache.nodes[2].memoryGiB": 1.37,
  "elasticache.nodes[3].hourly": 0.206,
  "elasticache.nodes[3].memoryGiB": 13.07,
  "elasticache.vpcOnly": 1,
  "workers.baseMonthly": 5,
  "workers.includedRequests": 10_000_000,
  "workers.perMillionRequests": 0.3,
  "workers.includedCpuMs": 30_000_000,
  "workers.perMillionCpuMs": 0.02,
  "workers.cronInvocationRequests": 1,
  "durableObjects.includedRequests": 1_000_000,
  "durableObjects.perMillionRequests": 0.15,
  "durableObjects.webSocketMessagesPerRequest": 20,
  "durableObjects.includedGbSeconds": 400_000,
  "durableObjects.perMillionGbSeconds": 12.5,
  "durableObjects.billedMemoryGb": 0.128,
  "durableObjects.includedRowsWritten": 50_000_000,
  "durableObjects.perMillionRowsWritten": 1,
  "durableObjects.includedRowsRead": 25_000_000_000,
  "durableObjects.perMillionRowsRead": 0.001,
  "durableObjects.maxRequestsPerSecPerObject": 1_000,
  "workersLogs.includedIngestGb": 50,
  "workersLogs.perIngestGb": 0.25,
  "workersLogs.includedStorageGbMonths": 12,
  "workersLogs.perStorageGbMonth": 0.1,
  "workersLogs.retentionDays": 7,
  "workersLogs.bytesPerWorkersEvent": 4840,
  "transfer.awsFreeGb": 100,
  "transfer.awsPerGb": 0.09,
};

/**
 * Every figure's source and the day it was read, by path: the first rule whose pattern matches
 * a path applies. Changing where a figure comes from means changing it here too.
 */
const SOURCE_PINS: readonly [RegExp, keyof typeof SOURCES, string][] = [
  [/^dynamodb\.pitrPerGbMonth$/, "dynamoPitr", "2026-12-07"],
  [/^dynamodb\.storageOverheadBytesPerItem$/, "dynamoItemOverhead", "2026-12-07"],
  [/^upstash\.prodPackPerDatabase$/, "upstashProdPack", "2026-12-07"],
  [/^upstash\.enterpriseCommandsPerSec$/, "upstashEnterprise", "2026-12-07"],
  [/^workersLogs\.(retentionDays|bytesPerWorkersEvent)$/, "observabilityDatasets", "2026-12-07"],
  [/^workersLogs\./, "observabilityPricing", "2026-12-07"],
  [/^dynamodb\.onDemand\./, "dynamoOnDemand", "2026-11-27"],
  [/^dynamodb\.provisioned\.(wcu|rcu)Hour$/, "dynamoProvisioned", "2026-11-27"],
  [/^dynamodb\.(provisioned|storage)\./, "dynamoPricing", "2026-11-27"],
  [/^dynamodb\.standardIa\./, "dynamoStandardIa", "2026-11-27"],
  [/^dynamodb\.units\.batchWriteMaxItems$/, "dynamoBatchWrite", "2026-11-27"],
  [/^dynamodb\.units\./, "dynamoOnDemand", "2026-11-27"],
  [/^dynamodb\.quotas\./, "dynamoQuotas", "2026-11-27"],
  [/^upstash\.payg\.maxRequestBytes$/, "upstashPricing", "2026-11-27"],
  [/^upstash\.payg\./, "upstashBilling", "2026-11-27"],
  [/^upstash\.fixedPlans\[/, "upstashPricing", "2026-11-27"],
  [/^elasticache\.nodes\[/, "pricesMd", "2026-11-27"],
  [/^elasticache\.vpcOnly$/, "elastiCacheVpc", "2026-11-27"],
  [/^workers\./, "workersPricing", "2026-11-27"],
  [/^durableObjects\.webSocketMessagesPerRequest$/, "durableObjectsWebSocketRatio", "2026-11-30"],
  [/^durableObjects\.maxRequestsPerSecPerObject$/, "durableObjectsLimits", "2026-11-30"],
  [/^durableObjects\./, "durableObjectsPricing", "2026-11-30"],
  [/^transfer\./, "awsTransfer", "2026-11-27"],
];

describe("CURRENT_CATALOGUE", () => {
  const all = figures(CURRENT_CATALOGUE);

  it("pins every figure it holds, and holds every pinned figure", () => {
    expect([...all.keys()].sort()).toEqual(Object.keys(PINNED).sort());
  });

  it.each(Object.entries(PINNED))("%s = %d", (path, value) => {
    expect(all.get(path)?.value).toBe(value);
  });

  it.each([...all.keys()])("%s: pinned to its source and read date", (path) => {
    const rule = SOURCE_PINS.find(([pattern]) => pattern.test(path));
    expect(rule, `no source pinned for ${path}`).toBeDefined();
    const [, source, readOn] = rule!;
    expect(all.get(path)?.source).toBe(SOURCES[source]);
    expect(all.get(path)?.readOn).toBe(readOn);
  });

  it("dates, sources and units every figure", () => {
    for (const [path, f] of all) {
      expect(f.readOn, path).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(f.source.length, path).toBeGreaterThan(10);
      expect(f.unit.length, path).toBeGreaterThan(2);
    }
  });

  it("marks only the ElastiCache node figures, the batch size and the object soft limit as unverified", () => {
    const unverified = [...all].filter(([, f]) => !f.verified).map(([p]) => p);
    expect(unverified.sort()).toEqual(
      [
        "dynamodb.units.batchWriteMaxItems",
        "durableObjects.maxRequestsPerSecPerObject",
        ...[0, 1, 2, 3].flatMap((i) => [
          `elasticache.nodes[${i}].hourly`,
          `elasticache.nodes[${i}].memoryGiB`,
        ]),
      ].sort(),
    );
  });

  it("lists Upstash fixed plans cheapest first, each larger than the last", () => {
    const plans = CURRENT_CATALOGUE.upstash.fixedPlans;
    for (let i = 1; i < plans.length; i++) {
      expect(plans[i]!.monthly.value).toBeGreaterThan(plans[i - 1]!.monthly.value);
      expect(plans[i]!.maxDataBytes.value).toBeGreaterThan(plans[i - 1]!.maxDataBytes.value);
    }
  });

  it("flags ElastiCache as unreachable from the edge", () => {
    expect(CURRENT_CATALOGUE.elasticache.reachableFromEdge).toBe(false);
  });
});

describe("on-demand price history", () => {
  it("uses the pre-cut prices before 2024-11-01", () => {
    expect(onDemandPeriodOn("2024-10-31").writePerMillion.value).toBe(1.25);
    expect(onDemandPeriodOn("2024-10-31").readPerMillion.value).toBe(0.25);
    expect(SEED_ERA_CATALOGUE.dynamodb.onDemand.writePerMillion.value).toBe(1.25);
  });

  it("uses the halved prices from 2024-11-01", () => {
    expect(onDemandPeriodOn("2024-11-01").writePerMillion.value).toBe(0.625);
    expect(catalogueAsOf("2026-01-01").dynamodb.onDemand.readPerMillion.value).toBe(0.125);
  });

  it("changes only the on-demand prices", () => {
    const old = catalogueAsOf("2023-06-01");
    expect(old.asOf).toBe("2023-06-01");
    expect(old.workers).toBe(CURRENT_CATALOGUE.workers);
    expect(old.dynamodb.provisioned).toBe(CURRENT_CATALOGUE.dynamodb.provisioned);
  });

  it("rejects a malformed date", () => {
    expect(() => onDemandPeriodOn("1 Nov 2024")).toThrow(/YYYY-MM-DD/);
  });
});
