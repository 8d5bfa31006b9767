import { createRoute } from "@hono/zod-openapi";
import { StageParamsSchema } from "../schemas/common";
import { problemResponses } from "../schemas/problem";
import {
  CreateStageSchema,
  ListStagesQuerySchema,
  StageListSchema,
  StageSchema,
  UpdateStageSchema,
} from "../schemas/stage";
import { IssueViewerTokenSchema, ViewerTokenSchema } from "../schemas/token";

const adminOnly = [{ adminKey: [] }];

export const createStageRoute = createRoute({
  operationId: "createStage",
  method: "post",
  path: "/v1/stages",
  tags: ["Stages"],
  summary: "Create a stage",
  description:
    "Writes the configuration to DynamoDB and caches it in Redis. Needs the admin key. Safe to retry after a 503 (which may have reached DynamoDB anyway): a stage stored exactly as asked and unchanged since is answered 201 again; any other stage with that id is 409. Without a retry, a create that reached DynamoDB after its 503 is put in force by the next sync run. A 503 `partially_applied` means the stage is stored but not yet in force (Redis did not answer): the retry finishes it, and the next sync run puts it in force anyway (within 5 minutes).",
  security: adminOnly,
  request: {
    body: { required: true, content: { "application/json": { schema: CreateStageSchema } } },
  },
  responses: {
    201: {
      description: "Created.",
      content: { "application/json": { schema: StageSchema } },
    },
    ...problemResponses(400, 401, 409, 413, 415, 503),
  },
});

export const getStageRoute = createRoute({
  operationId: "getStage",
  method: "get",
  path: "/v1/stages/{stageId}",
  tags: ["Stages"],
  summary: "Read a stage's configuration",
  description:
    "Served from the cache (isolate, then Redis); public, so players can show the title.",
  security: [],
  request: { params: StageParamsSchema },
  responses: {
    200: { description: "The stage.", content: { "application/json": { schema: StageSchema } } },
    ...problemResponses(400, 404, 503),
  },
});

export const listStagesRoute = createRoute({
  operationId: "listStages",
  method: "get",
  path: "/v1/stages",
  tags: ["Stages"],
  summary: "List stages",
  description:
    "Every stage, in id order, a page at a time (a DynamoDB Query). Needs the admin key.",
  security: adminOnly,
  request: { query: ListStagesQuerySchema },
  responses: {
    200: {
      description: "A page of stages.",
      content: { "application/json": { schema: StageListSchema } },
    },
    ...problemResponses(400, 401, 503),
  },
});

export const updateStageRoute = createRoute({
  operationId: "updateStage",
  method: "patch",
  path: "/v1/stages/{stageId}",
  tags: ["Stages"],
  summary: "Change a stage",
  description:
    "Changes the title, status or options. Ending a stage makes heartbeats answer 410 within 10 s everywhere, and reopening it makes them accepted again within 10 s (isolates check the registry version that often). A 503 `store_unavailable` means the change is not in force; if DynamoDB took it and only its answer was late, the next sync run puts it in force (within 5 minutes); retrying the same request settles it at once. A 503 `partially_applied` means the change is stored but not yet in force (Redis did not answer): retrying the same request finishes it at once, and the next sync run puts it in force anyway (within 5 minutes). Needs the admin key.",
  security: adminOnly,
  request: {
    params: StageParamsSchema,
    body: { required: true, content: { "application/json": { schema: UpdateStageSchema } } },
  },
  responses: {
    200: {
      description: "The changed stage.",
      content: { "application/json": { schema: StageSchema } },
    },
    ...problemResponses(400, 401, 404, 413, 415, 503),
  },
});

export const issueViewerTokenRoute = createRoute({
  operationId: "issueViewerToken",
  method: "post",
  path: "/v1/stages/{stageId}/viewer-tokens",
  tags: ["Stages"],
  summary: "Issue a viewer token",
  description:
    "Signs a token for one viewer on one stage. For operators holding the admin key (a backend); backends may also sign offline with `signViewerToken` from `shared/`.",
  security: adminOnly,
  request: {
    params: StageParamsSchema,
    body: { required: true, content: { "application/json": { schema: IssueViewerTokenSchema } } },
  },
  responses: {
    201: {
      description: "The token.",
      content: { "application/json": { schema: ViewerTokenSchema } },
    },
    ...problemResponses(400, 401, 404, 410, 413, 415, 503),
  },
});
