/**
 * The contract fuzz: requests for every operation of `openapi/openapi.json`, sent to the app
 * in-process against the real local stack, each answer checked (checks.ts) and each refused
 * request (4xx) shown to have changed no data. Failures are collected rather than thrown, so
 * one run reports every kind of failure it met, each with the shortest request that showed it.
 */
import fc from "fast-check";
import { createApp } from "../../edge/app";
import { STAGE_ID_PATTERN } from "../../shared/ids";
import { createHarness, type Harness } from "../in-process/harness";
import { uniqueId } from "../test-env";
import { violations } from "./checks";
import { type Operation, readOperations } from "./contract";
import { corpus } from "./corpus";
import { createSnapshotter, type DataSnapshot, snapshotDiff } from "./data-snapshot";
import type { BodyPlan, RequestPlan, TokenSpec, UrlValue } from "./requests";
import { requestPlan } from "./requests";
import { type FuzzWorld, seedStages } from "./world";

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
  /** Requests the fetch API itself refused to build (never reached the app). */
  unsendable: number;
  perOperation: Record<string, { requests: number; statuses: Record<string, number> }>;
  findings: Finding[];
}

/** Percent-encodes text as UTF-8; a lone surrogate becomes its WTF-8 bytes, which no decoder accepts. */
export function percentEncode(text: string): string {
  let out = "";
  for (const char of text) {
    if (/^[A-Za-z0-9\-._~]$/.test(char)) {
      out += char;
      continue;
    }
    const code = char.codePointAt(0)!;
    const bytes =
      code >= 0xd800 && code <= 0xdfff
        ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        : [...Buffer.from(char, "utf8")];
    out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
  }
  return out;
}

function describeBody(body: BodyInit | null | undefined): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string")
    return body.length > 400 ? `${body.slice(0, 400)}… (${body.length} chars)` : body;
  const bytes = Buffer.from(body as Uint8Array);
  return `bytes(${bytes.length}): ${JSON.stringify(bytes.toString("latin1").slice(0, 400))}`;
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
      try {
        request = new Request(`http://fuzz.local${built.url}`, built.init);
      } catch {
        report.unsendable++;
        return;
      }
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
      for (const kind of violations(op, response, text)) {
        record({
          kind,
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

/** Turns a plan into a URL and RequestInit, resolving references against the world now. */
async function buildRequest(op: Operation, plan: RequestPlan, world: FuzzWorld, h: Harness) {
  const stageIds: string[] = [];
  const resolveValue = (value: UrlValue): string => {
    switch (value.kind) {
      case "stage":
        return world.stage(value.index);
      case "seenCursor":
        return world.cursor(op.operationId, value.index) ?? "AAAA";
      case "shiftedCursor": {
        const seen = world.cursor(op.operationId, value.index);
        if (seen === undefined) return "AAAA";
        const key = Buffer.from(seen, "base64url").toString("utf8");
        const shifted = key.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/, value.iso);
        return Buffer.from(shifted, "utf8").toString("base64url");
      }
      case "encoded":
        return value.value;
      case "text":
        return percentEncode(value.value);
    }
  };
  let pathStageId: string | undefined;
  const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = plan.path[name]!;
    const encoded = resolveValue(value);
    const text = value.kind === "stage" ? encoded : value.kind === "text" ? value.value : undefined;
    if (text !== undefined && STAGE_ID_PATTERN.test(text)) {
      pathStageId = text;
      stageIds.push(text);
    }
    return encoded;
  });
  const query = plan.query.map(([name, value]) => `${percentEncode(name)}=${resolveValue(value)}`);
  const headers: Record<string, string> = {};
  if (plan.contentType !== undefined) headers["content-type"] = plan.contentType;
  const sign = (spec: TokenSpec) => world.token(spec, pathStageId, h.clock.nowMs);
  switch (plan.auth.kind) {
    case "admin":
      headers.authorization = `Bearer ${h.env.ADMIN_API_KEY}`;
      break;
    case "token":
      headers.authorization = `Bearer ${await sign(plan.auth.token)}`;
      break;
    case "header":
      headers.authorization = plan.auth.value;
      break;
  }
  const init: RequestInit = { method: op.method, headers };
  if (plan.body !== undefined) {
    const { body, id } = await serializeBody(
      plan.body,
      plan.bodyToken ? await sign(plan.bodyToken) : undefined,
    );
    init.body = body;
    if (id !== undefined && STAGE_ID_PATTERN.test(id)) stageIds.push(id);
  }
  return { url: query.length === 0 ? url : `${url}?${query.join("&")}`, init, stageIds };
}

/** The body's bytes; a token, when given, replaces the body's `token` field. */
async function serializeBody(plan: BodyPlan, token: string | undefined) {
  if (plan.kind === "text") return { body: plan.value, id: undefined };
  const value = plan.kind === "json" ? plan.value : plan.json;
  const object =
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  if (object !== undefined && token !== undefined && "token" in object) object.token = token;
  const id = typeof object?.id === "string" ? object.id : undefined;
  const json = JSON.stringify(value) ?? "";
  if (plan.kind === "json") return { body: json, id };
  // Bytes that are not UTF-8, spliced in at the start of the first string value.
  const bytes = Buffer.from(json, "utf8");
  const at = json.indexOf(':"') >= 0 ? Buffer.byteLength(json.slice(0, json.indexOf(':"') + 2)) : 0;
  return {
    body: new Uint8Array(
      Buffer.concat([bytes.subarray(0, at), Buffer.from(plan.insert), bytes.subarray(at)]),
    ),
    id,
  };
}
