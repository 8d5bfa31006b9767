/**
 * Where the catalogue's figures were read (all on {@link READ_ON}). Kept apart from the figures
 * so a reader can see at a glance which documents the catalogue rests on.
 */
/** The day the sources below were read for this catalogue (Durable Objects: see below). */
export const READ_ON = "2026-11-27";
/** The day the Durable Objects pages were read (added to the catalogue later). */
export const DURABLE_OBJECTS_READ_ON = "2026-11-30";
/**
 * The day the lines a real bill has were read (issue 18): Workers Logs (Cloudflare
 * Observability pricing from 2026-12-01), Upstash's Prod Pack and Enterprise threshold,
 * DynamoDB point-in-time recovery and its per-item storage overhead.
 */
export const BILL_LINES_READ_ON = "2026-12-07";
export const SOURCES = {
    dynamoOnDemand: "https://aws.amazon.com/dynamodb/pricing/on-demand/ (AWS DynamoDB on-demand pricing page)",
    dynamoProvisioned: "https://aws.amazon.com/dynamodb/pricing/provisioned/ (AWS DynamoDB provisioned pricing page)",
    dynamoPricing: "https://aws.amazon.com/dynamodb/pricing/ (AWS DynamoDB pricing overview)",
    dynamoPriceCut: "AWS announcement of the 1 Nov 2024 DynamoDB on-demand price cut (50%), as reported by https://www.jusdb.com/blog/dynamodb-cost-optimization-a-comprehensive-guide-by-jusdb",
    dynamoStandardIa: "https://help.nops.io/inform/supported-recommendations/switch-dynamodb-table-to-standard-ia.md (third-party; AWS table-class page gives no figures)",
    dynamoQuotas: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html (zh copy at docs.amazonaws.cn: default 40,000 table-level read and write throughput, raisable)",
    dynamoBatchWrite: "AWS DynamoDB Developer Guide, BatchWriteItem / read-write capacity mode (via PRICES.md)",
    upstashBilling: "https://upstash.com/docs/redis/overall/billing (stored copy at website-6koc79o81-upstash.vercel.app/docs/redis/overall/billing.md)",
    upstashPricing: "https://upstash.com/pricing/redis (stored markdown copy of the pricing page, fixed-plan table)",
    elastiCachePricing: "https://aws.amazon.com/elasticache/pricing/ (via PRICES.md)",
    elastiCacheVpc: 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/VPCs.md ("All current generation nodes are launched in Amazon Virtual Private Cloud only")',
    workersPricing: "https://developers.cloudflare.com/workers/platform/pricing/ (cloudflare/cloudflare-docs src/content/docs/workers/platform/pricing.mdx @ 07acbb66)",
    awsTransfer: "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer (figures as quoted by https://wring.co/blog/aws-data-transfer-pricing-guide and https://www.egresscost.com/aws)",
    pricesMd: "the team's price notes (PRICES.md, not in this repository; figure not re-checked)",
    durableObjectsPricing: "https://developers.cloudflare.com/durable-objects/platform/pricing/ (cloudflare/cloudflare-docs src/content/partials/durable-objects/durable-objects-pricing.mdx @ 07e200b7 and pricing.mdx @ 04a87f48)",
    durableObjectsWebSocketRatio: "https://developers.cloudflare.com/durable-objects/platform/changelog/ (2024-04-01: 'a 20:1 ratio for incoming WebSocket messages'); same in the pricing page's footnote 2",
    durableObjectsLimits: "https://developers.cloudflare.com/durable-objects/platform/limits/ (soft limit per object; quoted from it by dated third-party notes, the stored page excerpt stops before it)",
    observabilityPricing: "https://developers.cloudflare.com/observability/pricing/ (cloudflare/cloudflare-docs src/content/docs/observability/pricing/index.mdx @ 0ec9be22: Paid, 50 GB ingestion and 12 GB-month storage included, $0.25 per GB, $0.10 per GB-month; Workers Logs moved to it on 2026-12-01, src/content/partials/workers/workers_logs_pricing.mdx)",
    observabilityDatasets: "https://developers.cloudflare.com/observability/logs/datasets/ (cloudflare/cloudflare-docs src/content/docs/observability/logs/datasets.mdx @ 0ec9be22: Workers, average event size 4.84 KB, 7 days retention)",
    upstashProdPack: "https://upstash.com/docs/common/help/production-checklist ('Prod Pack is available as a $200/month add-on per database'); https://upstash.com/pricing/redis (Prod Pack: Uptime SLA, Multi-Zone HA, transcribed 2026-09-20 in api-evangelist/upstash plans/upstash-plans-pricing.yml)",
    upstashEnterprise: "https://upstash.com/pricing/redis (Enterprise card: '100K+ commands per second', 'Unlimited bandwidth and database count', contact sales; transcribed 2026-09-20 in api-evangelist/upstash plans/upstash-plans-pricing.yml)",
    dynamoPitr: "https://aws.amazon.com/dynamodb/pricing/on-demand/ (continuous backups, PITR, us-east-1; the stored page excerpts stop before the figure, quoted by several dated third-party copies); billed on table size: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html",
    dynamoItemOverhead: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html ('Every item in DynamoDB requires 100 bytes of storage overhead for indexing'; read in the ja and ko editions of the page)",
};
