import { createRoute } from "@hono/zod-openapi";
import { CostComparisonSchema, CostQuerySchema } from "../schemas/cost";
import { problemResponses } from "../schemas/problem";

export const estimateCostRoute = createRoute({
  operationId: "estimateCost",
  method: "get",
  path: "/v1/cost-estimates",
  tags: ["Cost"],
  summary: "What would it cost?",
  description:
    "The monthly bill, tier by tier, of this system and its alternatives (pure DynamoDB on demand and provisioned, batched writes, Redis only, Upstash pay-as-you-go or fixed plan, ElastiCache for reference, Durable Objects) for an audience, from a dated price catalogue. Pure computation: no store is read. Cacheable for an hour.",
  security: [],
  request: { query: CostQuerySchema },
  responses: {
    200: {
      description: "The estimates.",
      content: { "application/json": { schema: CostComparisonSchema } },
    },
    ...problemResponses(400),
  },
});
