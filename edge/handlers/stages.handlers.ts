import type { OpenAPIHono, RouteHandler, z } from "@hono/zod-openapi";
import { reconcileBroadcast } from "@viewer-presence/shared/broadcasts";
import { isRepeatedCreate, type Stage, type StoredStage } from "@viewer-presence/shared/stage";
import { STAGE_ID_PATTERN, signViewerToken } from "@viewer-presence/tokens";
import {
  createStageRoute,
  getStageRoute,
  issueViewerTokenRoute,
  listStagesRoute,
  updateStageRoute,
} from "../../openapi/routes";
import type { CreateStageSchema } from "../../openapi/schemas/stage";
import { dynamoCall } from "../dynamo-call";
import type { AppEnv, Services } from "../env";
import { decodeSortKeyCursor, encodeSortKeyCursor } from "../page-cursor";
import { HttpProblem, problems, StoreUnavailableError } from "../problems";
import type { StageTable } from "../stages/stage-table";

/** A random stage id: 12 base-36 characters (about 62 bits). */
function randomStageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => (byte % 36).toString(36)).join("");
}

const createStage: RouteHandler<typeof createStageRoute, AppEnv> = async (c) => {
  const { nowMs, stageTable: table } = c.var.services;
  const stage = newStage(c.req.valid("json"), new Date(nowMs).toISOString());
  const stored = await marked(table(), stage.id, nowMs, async () => {
    try {
      return await table().create(stage);
    } catch (error) {
      // A create that answered 503 (its deadline passed) may still have reached DynamoDB: its
      // retry finds the stage stored exactly as asked, and finishes that create instead of
      // answering 409 for a stage that Redis, and so every heartbeat, might not know yet.
      const conflict = error instanceof HttpProblem && error.status === 409;
      const found = conflict ? await table().get(stage.id) : undefined;
      if (found === undefined || !isRepeatedCreate(found.stage, stage)) throw error;
      return found;
    }
  });
  await putInForce(c.var.services, stored);
  await followBroadcasts(c.var.services, stored.stage);
  return c.json(stored.stage, 201);
};

/** The stage a create asks for, live from `at` (ISO). */
function newStage(body: z.infer<typeof CreateStageSchema>, at: string): Stage {
  const stage: Stage = {
    id: body.id ?? randomStageId(),
    title: body.title,
    status: "live",
    allowAnonymous: body.allowAnonymous,
    auditTrail: body.auditTrail,
    createdAt: at,
    updatedAt: at,
  };
  if (body.stageArn !== undefined) stage.stageArn = body.stageArn;
  if (body.databases !== undefined && body.databases > 1) stage.databases = body.databases;
  return stage;
}

const getStage: RouteHandler<typeof getStageRoute, AppEnv> = async (c) => {
  const { stageId } = c.req.valid("param");
  const stage = await c.var.services.shard(stageId).registry.lookup(stageId);
  if (stage === undefined) throw problems.stageNotFound(stageId);
  return c.json(stage, 200);
};

const listStages: RouteHandler<typeof listStagesRoute, AppEnv> = async (c) => {
  const { stageTable: table } = c.var.services;
  const { limit, cursor } = c.req.valid("query");
  const page = await table().list(
    limit,
    cursor === undefined ? undefined : decodeSortKeyCursor(cursor, STAGE_ID_PATTERN),
  );
  return c.json(
    {
      items: page.stages.map(({ stage }) => stage),
      nextCursor: page.lastId === undefined ? null : encodeSortKeyCursor(page.lastId),
    },
    200,
  );
};

const updateStage: RouteHandler<typeof updateStageRoute, AppEnv> = async (c) => {
  const { nowMs, stageTable: table } = c.var.services;
  const { stageId } = c.req.valid("param");
  const changes = c.req.valid("json");
  const stored = await marked(table(), stageId, nowMs, () =>
    table().update(stageId, changes, new Date(nowMs).toISOString()),
  );
  await putInForce(c.var.services, stored);
  if (changes.status !== undefined) await followBroadcasts(c.var.services, stored.stage);
  return c.json(stored.stage, 200);
};

const issueViewerToken: RouteHandler<typeof issueViewerTokenRoute, AppEnv> = async (c) => {
  const { config, nowMs } = c.var.services;
  const { stageId } = c.req.valid("param");
  const { registry } = c.var.services.shard(stageId);
  const { viewerId, ttlSec } = c.req.valid("json");
  const stage = await registry.lookup(stageId);
  if (stage === undefined) throw problems.stageNotFound(stageId);
  if (stage.status !== "live") throw problems.stageEnded(stageId);
  const { token, expiresAt } = await signViewerToken({
    secret: config.viewerTokenSecret,
    viewerId,
    stageId,
    ttlSec,
    nowMs,
  });
  return c.json(
    { token, viewerId, stageId, expiresAt: new Date(expiresAt * 1000).toISOString() },
    201,
  );
};

export function registerStageHandlers(app: OpenAPIHono<AppEnv>) {
  app.openapi(createStageRoute, createStage);
  app.openapi(getStageRoute, getStage);
  app.openapi(listStagesRoute, listStages);
  app.openapi(updateStageRoute, updateStage);
  app.openapi(issueViewerTokenRoute, issueViewerToken);
}

/**
 * Runs a write of a stage after marking the stage unsettled (shared/unsettled-stages.ts), so
 * whatever becomes of the write (it may time out and land later) and of its Redis copies, the
 * sync job puts DynamoDB's version in force. A write DynamoDB refused (a problem such as 404 or
 * 409: nothing was written) needs no settling: its mark is dropped, and the refused request
 * changes nothing. Any other failure keeps it.
 */
async function marked<T>(
  table: StageTable,
  stageId: string,
  nowMs: number,
  write: () => Promise<T>,
): Promise<T> {
  const mark = await table.markUnsettled(stageId, nowMs);
  try {
    return await write();
  } catch (error) {
    if (error instanceof HttpProblem) await table.unmark(mark);
    throw error;
  }
}

/**
 * Starts or ends the stage's broadcast to match the status now in force (shared/broadcasts.ts).
 * If DynamoDB does not answer, the stage change stands (it is in force) and the request is a 503
 * whose retry finishes the job; the stage is still marked unsettled, so the sync job does it
 * anyway.
 */
async function followBroadcasts(services: Services, stage: Stage): Promise<void> {
  const { config } = services;
  await dynamoCall(() => reconcileBroadcast(services.dynamo(), config.dynamodbTable, stage));
}

/**
 * Puts a version DynamoDB confirmed in force in every database the stage's viewers write to:
 * the parts first and the home last, so a stage the home knows is known to every part
 * (heartbeats reach a part only after the home named it). DynamoDB is the truth and is never
 * undone: a Redis write that failed may still land (a stalled Redis runs it once it runs again),
 * and an undo racing it would leave the two disagreeing. So when Redis does not answer, the
 * change is stored but not yet in force: the client is told so (503 `partially_applied`, whose
 * retry finishes it), and the stage's unsettled mark has the sync job put it in force.
 */
async function putInForce(services: Services, stored: StoredStage): Promise<void> {
  const shards = services.stageShards(stored.stage);
  for (const { registry } of [...shards.slice(1), ...shards.slice(0, 1)]) {
    try {
      await registry.put(stored);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      throw problems.partiallyApplied(
        `Stage "${stored.stage.id}" is stored but not yet in force: Redis did not answer. Retry the same request to finish it; otherwise the next sync run puts it in force within 5 minutes.`,
      );
    }
  }
}
