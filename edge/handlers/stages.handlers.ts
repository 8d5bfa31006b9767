import type { OpenAPIHono } from "@hono/zod-openapi";
import { reconcileBroadcast } from "@viewer-presence/shared/broadcasts";
import { STAGE_ID_PATTERN } from "@viewer-presence/shared/ids";
import { isRepeatedCreate, type Stage } from "@viewer-presence/shared/stage";
import { signViewerToken } from "@viewer-presence/shared/viewer-token";
import {
  createStageRoute,
  getStageRoute,
  issueViewerTokenRoute,
  listStagesRoute,
  updateStageRoute,
} from "../../openapi/routes";
import { dynamoCall } from "../dynamo-call";
import type { AppEnv, Services, Shard } from "../env";
import { decodeSortKeyCursor, encodeSortKeyCursor } from "../page-cursor";
import { HttpProblem, problems, StoreUnavailableError } from "../problems";

/** A random stage id: 12 base-36 characters (about 62 bits). */
function randomStageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => (byte % 36).toString(36)).join("");
}

export function registerStageHandlers(app: OpenAPIHono<AppEnv>) {
  app.openapi(createStageRoute, async (c) => {
    const { nowMs, stageTable: table } = c.var.services;
    const body = c.req.valid("json");
    const at = new Date(nowMs).toISOString();
    let stage: Stage = {
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
    const registries = registriesOf(c.var.services.stageShards(stage));
    try {
      await table().create(stage);
    } catch (error) {
      if (error instanceof StoreUnavailableError) await registries.markUnsettled(stage.id);
      // A create that answered 503 (its deadline passed) may still have reached DynamoDB: its
      // retry finds the stage stored exactly as asked, and finishes that create instead of
      // answering 409 for a stage that Redis, and so every heartbeat, would never know.
      const conflict = error instanceof HttpProblem && error.status === 409;
      const stored = conflict ? await table().get(stage.id) : undefined;
      if (stored === undefined || !isRepeatedCreate(stored, stage)) throw error;
      stage = stored;
    }
    try {
      await registries.cache(stage, { changed: false });
    } catch (error) {
      // Redis is the registry heartbeats trust: a stage DynamoDB has but Redis lacks would
      // answer 404. Undo, so the failed request changed nothing and can simply be retried.
      if (error instanceof StoreUnavailableError) await table().remove(stage.id);
      throw error;
    }
    await followBroadcasts(c.var.services, registries, stage);
    return c.json(stage, 201);
  });

  app.openapi(getStageRoute, async (c) => {
    const { stageId } = c.req.valid("param");
    const stage = await c.var.services.shard(stageId).registry.lookup(stageId);
    if (stage === undefined) throw problems.stageNotFound(stageId);
    return c.json(stage, 200);
  });

  app.openapi(listStagesRoute, async (c) => {
    const { stageTable: table } = c.var.services;
    const { limit, cursor } = c.req.valid("query");
    const page = await table().list(
      limit,
      cursor === undefined ? undefined : decodeSortKeyCursor(cursor, STAGE_ID_PATTERN),
    );
    return c.json(
      {
        items: page.stages,
        nextCursor: page.lastId === undefined ? null : encodeSortKeyCursor(page.lastId),
      },
      200,
    );
  });

  app.openapi(updateStageRoute, async (c) => {
    const { nowMs, stageTable: table } = c.var.services;
    const { stageId } = c.req.valid("param");
    const home = c.var.services.shard(stageId);
    const changes = c.req.valid("json");
    const { stage, previous } = await table()
      .update(stageId, changes, new Date(nowMs).toISOString())
      .catch(async (error: unknown) => {
        // No answer in time: the update may still land. Each database's sync job will put it in
        // force there: the home's, and those of a spread stage's other databases (known from any
        // copy this isolate holds: `databases` never changes).
        if (error instanceof StoreUnavailableError) {
          const cached = home.isolate.stages.get(stageId, nowMs)?.stage ?? undefined;
          const shards = cached ? c.var.services.stageShards(cached) : [home];
          await registriesOf(shards).markUnsettled(stageId);
        }
        throw error;
      });
    // Every database the stage's viewers write to obeys the change (one, unless spread).
    const registries = registriesOf(c.var.services.stageShards(stage));
    try {
      await registries.cache(stage, { changed: true });
    } catch (error) {
      // Redis is what heartbeats obey: a change DynamoDB has but Redis lacks is not in force.
      // Undo it, so a 503 means "nothing changed"; if even the undo fails, say so.
      if (!(error instanceof StoreUnavailableError)) throw error;
      await table()
        .revert(previous, stage.updatedAt)
        .then(
          () => {
            throw error;
          },
          (undoError) => {
            c.var.services.logError("stage update stored but not cached nor undone", undoError);
            throw problems.partiallyApplied(
              `The change to stage "${stageId}" is stored but not yet in force: Redis did not answer and the change could not be undone. Retry the same request to finish it.`,
            );
          },
        );
    }
    if (changes.status !== undefined) await followBroadcasts(c.var.services, registries, stage);
    return c.json(stage, 200);
  });

  app.openapi(issueViewerTokenRoute, async (c) => {
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
  });
}

/**
 * Starts or ends the stage's broadcast to match the status now in force (shared/broadcasts.ts).
 * If DynamoDB does not answer, the stage change stands (it is in force) and the request is a 503
 * whose retry finishes the job; the stage is marked unsettled, so the sync job does it anyway.
 */
async function followBroadcasts(
  services: Services,
  registries: { markUnsettled(stageId: string): Promise<void> },
  stage: Stage,
): Promise<void> {
  const { config } = services;
  try {
    await dynamoCall(() => reconcileBroadcast(services.dynamo(), config.dynamodbTable, stage));
  } catch (error) {
    if (error instanceof StoreUnavailableError) await registries.markUnsettled(stage.id);
    throw error;
  }
}

/**
 * The registries of every database a stage's viewers write to, written together: the parts
 * first and the home last, so a stage the home knows is known to every part (heartbeats reach a
 * part only after the home named it). If one fails, the others are marked unsettled, and the
 * sync job puts DynamoDB's version back in force there.
 */
function registriesOf(shards: Shard[]) {
  const homeLast = [...shards.slice(1), ...shards.slice(0, 1)];
  return {
    async cache(stage: Stage, options: { changed: boolean }): Promise<void> {
      for (const [i, { registry }] of homeLast.entries()) {
        try {
          await registry.cache(stage, options);
        } catch (error) {
          await Promise.all(homeLast.slice(0, i).map((s) => s.registry.markUnsettled(stage.id)));
          throw error;
        }
      }
    },
    async markUnsettled(stageId: string): Promise<void> {
      await Promise.all(homeLast.map(({ registry }) => registry.markUnsettled(stageId)));
    },
  };
}
