import { STAGE_ID_PATTERN, signViewerToken } from "@viewer-presence/tokens";
import type { Harness } from "../in-process/harness";
import { adminHeaders, TEST_TOKEN_SECRET } from "../test-env";
import type { TokenSpec } from "./plan";

export interface FuzzWorld {
  /** The stages created before the run, whose DynamoDB partitions every snapshot reads. */
  setupIds: string[];
  /** The n-th stage that exists: half the time one of the setup stages. */
  stage(index: number): string;
  /** The n-th cursor `operationId` has answered, if it has answered any. */
  cursor(operationId: string, index: number): string | undefined;
  /** A viewer token as `spec` says, for `stageId` when it is a stage id. */
  token(spec: TokenSpec, stageId: string | undefined, nowMs: number): Promise<string>;
  /** Remembers stages created and cursors handed out by a response. */
  learn(operationId: string, status: number, text: string): void;
}

const MAX_CURSORS = 50;

export async function seedStages(h: Harness, tag: string): Promise<FuzzWorld> {
  const live = await h.createStage({ id: `${tag}-live` });
  const ended = await h.createStage({ id: `${tag}-ended` });
  const anon = await h.createStage({ id: `${tag}-anon`, allowAnonymous: true, auditTrail: true });
  const hist = await h.createStage({ id: `${tag}-hist` });
  const patched = await h.request(`/v1/stages/${ended}`, {
    method: "PATCH",
    headers: adminHeaders,
    body: JSON.stringify({ status: "ended" }),
  });
  if (patched.status !== 200) throw new Error(`ending ${ended}: ${patched.status}`);

  // History for the listings, written the way production writes it: heartbeats in three
  // windows, then a sync run once they have closed.
  for (let window = 0; window < 3; window++) {
    for (const viewer of ["v1", "v2", "v3"]) {
      const beat = await h.heartbeat(hist, await h.token(viewer, hist));
      if (beat.status !== 200) throw new Error(`seeding heartbeat: ${beat.status}`);
    }
    h.advance(300_000);
  }
  h.advance(60_000);
  await h.sync();

  const setupIds = [live, ended, anon, hist];
  const stages = [...setupIds];
  const cursors = new Map<string, string[]>();
  return {
    setupIds,
    stage: (index) =>
      index % 2 === 0 ? setupIds[(index / 2) % setupIds.length]! : stages[index % stages.length]!,
    cursor(operationId, index) {
      const seen = cursors.get(operationId) ?? [];
      return seen.length === 0 ? undefined : seen[index % seen.length];
    },
    async token(spec, stageId, nowMs) {
      if (spec.kind === "literal") return spec.value;
      const forStage = stageId !== undefined && STAGE_ID_PATTERN.test(stageId) ? stageId : live;
      const signed = await signViewerToken({
        secret:
          spec.kind === "wrongSecret" ? "another-secret-0123456789abcdef-xyz" : TEST_TOKEN_SECRET,
        viewerId: spec.viewerId,
        stageId: spec.kind === "otherStage" ? (forStage === live ? hist : live) : forStage,
        ttlSec: spec.kind === "expired" ? 60 : 3600,
        nowMs: spec.kind === "expired" ? nowMs - 7_200_000 : nowMs,
      });
      return signed.token;
    },
    learn(operationId, status, text) {
      if (status >= 300) return;
      let body: { id?: unknown; nextCursor?: unknown };
      try {
        body = JSON.parse(text);
      } catch {
        return;
      }
      // A 201 with an id created a resource that later requests can name.
      if (status === 201 && typeof body.id === "string") stages.push(body.id);
      const seen = cursors.get(operationId) ?? [];
      if (typeof body.nextCursor === "string" && seen.length < MAX_CURSORS) {
        cursors.set(operationId, [...seen, body.nextCursor]);
      }
    },
  };
}
