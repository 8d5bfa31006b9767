import { z } from "@hono/zod-openapi";

export const HealthSchema = z
  .object({
    status: z.enum(["ok"]).openapi({ description: "`ok` when Redis answered.", example: "ok" }),
    version: z.string().openapi({ description: "The API version.", example: "0.1.0" }),
  })
  .openapi("Health");
