// The part of `cloudflare:test` (provided inside workerd by @cloudflare/vitest-plugin) these
// tests use; its own declarations need the full Workers type library.
declare module "cloudflare:test" {
  import type { ExecutionContext } from "hono";
  import type { ScheduledController } from "../../edge/worker-types";
  export function createExecutionContext(): ExecutionContext;
  export function waitOnExecutionContext(ctx: ExecutionContext): Promise<void>;
  export function createScheduledController(options?: {
    scheduledTime?: number | Date;
    cron?: string;
  }): ScheduledController;
  /** The bindings wrangler.toml declares (here: the Rate Limiting binding, the sync queue). */
  export const env: Record<string, unknown>;
  export function createMessageBatch<Body = unknown>(
    queueName: string,
    messages: { id: string; timestamp: Date; attempts: number; body: Body }[],
  ): import("../../edge/worker-types").MessageBatch<Body>;
  export function getQueueResult(
    batch: import("../../edge/worker-types").MessageBatch,
    ctx: ExecutionContext,
  ): Promise<{
    outcome: string;
    ackAll: boolean;
    explicitAcks: string[];
    retryMessages: unknown[];
  }>;
}

// What `cloudflare:workers` gives these tests: the worker under test's own handlers, each call a
// request of its own in workerd (its own I/O context), as production requests are.
declare module "cloudflare:workers" {
  export const exports: {
    default: { fetch(input: string | Request, init?: RequestInit): Promise<Response> };
  };
}
