/**
 * The contract fuzz: requests for every operation of `openapi/openapi.json`, sent to the app
 * in-process against the real local stack, each answer checked (checks.ts) and each refused
 * request (4xx) shown to have changed no data. Failures are collected rather than thrown, so
 * one run reports every kind of failure it met, each with the shortest request that showed it.
 */
import fc from "fast-check";
import { createApp } from "../../edge/app";
import { createHarness } from "../in-process/harness";
import { uniqueId } from "../test-env";
import { buildRequest, describeBody, pathPattern } from "./build-request";
import { violations } from "./checks";
import { readOperations } from "./contract";
import { corpus } from "./corpus";
import { createSnapshotter, type DataSnapshot, snapshotDiff } from "./data-snapshot";
import type { RequestPlan } from "./plan";
import { requestPlan } from "./requests";
import { seedStages } from "./world";

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Finding {
  kind: string;
  operationId: string;
  status: number;
  count: number;
  request: SentRequest;
  response: { status: number; headers: Record<string, string>; body: string };
  /** What exactly is wrong, where the kind does not say. */
  detail?: string;
  /** What the app logged while answering (for 5xx: the error it caught). */
  logged?: string;
  /** The stage the request named, as Redis held it before (findings can depend on it). */
  stage?: string;
  /** For a refused request that changed data: what changed. */
  changed?: string[];
}

export interface FuzzReport {
  seed: number;
  runs: number;
  requests: number;
  /** Requests the fetch API refused to build, or built for another path (never sent). */
  unsendable: number;
  /** A few of them, with the reason. */
  unsendableExamples: string[];
  perOperation: Record<string, { requests: number; statuses: Record<string, number> }>;
  findings: Finding[];
}

/** Runs `numRuns` requests from `seed` and reports what it saw. */
export async function runContractFuzz(options: {
  seed: number;
  numRuns: number;
  onProgress?: (done: number) => void;
}): Promise<FuzzReport> {
  const operations = readOperations();
  const h = createHarness();
  const tag = uniqueId("fz");
  const world = await seedStages(h, tag);
  const snapshots = createSnapshotter(h.env);
  let logged: string | undefined;
  const newApp = () =>
    createApp({
      now: () => h.clock.nowMs,
      logError: (message, error) => {
        logged = `${message}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
      },
    });
  let app = newApp();

  const report: FuzzReport = {
    seed: options.seed,
    runs: options.numRuns,
    requests: 0,
    unsendable: 0,
    unsendableExamples: [],
    perOperation: Object.fromEntries(
      operations.map((op) => [op.operationId, { requests: 0, statuses: {} }]),
    ),
    findings: [],
  };
  const findings = new Map<string, Finding>();
  const record = (finding: Omit<Finding, "count">) => {
    const key = `${finding.operationId}|${finding.kind}|${finding.status}`;
    const known = findings.get(key);
    const size = (f: Omit<Finding, "count">) =>
      f.request.url.length + (f.request.body?.length ?? 0);
    if (known === undefined) findings.set(key, { ...finding, count: 1 });
    else {
      known.count++;
      if (size(finding) < size(known)) Object.assign(known, finding, { count: known.count });
    }
  };

  const historyBefore = await snapshots.history(world.setupIds);
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  const arbitrary = fc.oneof(...operations.map((op) => requestPlan(op, tag)));
  let done = 0;
  let last: { covers: string; data: DataSnapshot } | undefined;
  /** How Redis held the named stage before the request: state a finding may depend on. */
  const stageContext = (data: DataSnapshot, stageId: string | undefined) => {
    const entry = (data.redis as Record<string, { value: unknown }>)[
      `${h.env.REDIS_KEY_PREFIX}s:${stageId}`
    ];
    return entry === undefined ? {} : { stage: String(entry.value) };
  };
  await fc.assert(
    fc.asyncProperty(arbitrary, async (plan) => {
      const op = byId.get(plan.operationId)!;
      h.advance(plan.advanceMs);
      if (plan.freshIsolate) app = newApp();
      const built = await buildRequest(op, plan, world, h);
      let request: Request;
      const unsendable = (why: string) => {
        report.unsendable++;
        if (report.unsendableExamples.length < 3) {
          report.unsendableExamples.push(`${op.method} ${built.url.slice(0, 200)}: ${why}`);
        }
      };
      try {
        request = new Request(`http://fuzz.local${built.url}`, built.init);
      } catch (error) {
        return unsendable(String(error));
      }
      // A URL that parsing rewrote to another path is no request for `op`.
      const pathname = new URL(request.url).pathname;
      if (!pathPattern(op).test(pathname)) return unsendable(`the URL became ${pathname}`);
      // The data after the previous request is the data before this one, when it covers the
      // same stages: nothing but the app writes under this test's prefix and tag.
      const covers = built.stageIds.filter((id) => !id.startsWith(tag)).join(" ");
      const before =
        last?.covers === covers ? last.data : await snapshots.take(tag, built.stageIds);
      logged = undefined;
      const response = await app.request(request, undefined, h.env);
      const text = await response.text();
      report.requests++;
      const stats = report.perOperation[op.operationId]!;
      stats.requests++;
      stats.statuses[response.status] = (stats.statuses[response.status] ?? 0) + 1;
      world.learn(op.operationId, response.status, text);

      const sent: SentRequest = {
        method: op.method,
        url: built.url,
        headers: Object.fromEntries(new Headers(built.init.headers).entries()),
        ...(built.init.body === undefined ? {} : { body: describeBody(built.init.body) }),
      };
      const answer = {
        status: response.status,
        headers: Object.fromEntries(
          ["content-type", "retry-after"]
            .map((name) => [name, response.headers.get(name)])
            .filter((entry): entry is [string, string] => entry[1] !== null),
        ),
        body: text.length > 600 ? `${text.slice(0, 600)}…` : text,
      };
      for (const { kind, detail } of violations(op, response, text)) {
        record({
          kind,
          ...(detail ? { detail } : {}),
          operationId: op.operationId,
          status: response.status,
          request: sent,
          response: answer,
          ...(logged ? { logged } : {}),
          ...stageContext(before, built.stageIds[0]),
        });
      }
      const after = await snapshots.take(tag, built.stageIds);
      last = { covers, data: after };
      if (response.status >= 400 && response.status < 500) {
        const changed = snapshotDiff(before, after);
        if (changed.length > 0) {
          record({
            kind: "refused request changed data",
            operationId: op.operationId,
            status: response.status,
            request: sent,
            response: answer,
            changed,
            ...stageContext(before, built.stageIds[0]),
          });
        }
      }
      options.onProgress?.(++done);
    }),
    {
      seed: options.seed,
      numRuns: options.numRuns,
      endOnFailure: true,
      examples: corpus(tag).map((plan) => [plan] as [RequestPlan]),
    },
  );
  const historyChanged = snapshotDiff(historyBefore, await snapshots.history(world.setupIds));
  report.findings = [...findings.values()];
  if (historyChanged.length > 0) {
    report.findings.push({
      kind: "history changed (only the sync job may write it)",
      operationId: "(run)",
      status: 0,
      count: 1,
      request: { method: "", url: "", headers: {} },
      response: { status: 0, headers: {}, body: "" },
      changed: historyChanged,
    });
  }
  return report;
}
