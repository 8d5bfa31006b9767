import { createRoute } from "@hono/zod-openapi";
import { HealthSchema } from "../schemas/health";
import { problemResponses } from "../schemas/problem";

export const getHealthRoute = createRoute({
  operationId: "getHealth",
  method: "get",
  path: "/health",
  tags: ["Operations"],
  summary: "Is the service up?",
  description: "Checks the configuration and pings Redis (one command).",
  security: [],
  responses: {
    200: { description: "Healthy.", content: { "application/json": { schema: HealthSchema } } },
    ...problemResponses(503),
  },
});
