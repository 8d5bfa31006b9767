/**
 * The few Workers runtime types the entry uses, declared here rather than pulling
 * @cloudflare/workers-types into a project whose other folders run on Node and Deno.
 */
export type { ExecutionContext } from "hono";

export interface ScheduledController {
  readonly scheduledTime: number;
  readonly cron: string;
  noRetry(): void;
}

/** A message of a queue batch (`queue()` handler). */
export interface QueueMessage<Body = unknown> {
  readonly id: string;
  readonly body: Body;
  ack(): void;
  retry(): void;
}

/** The batch a `queue()` handler receives. */
export interface MessageBatch<Body = unknown> {
  readonly queue: string;
  readonly messages: readonly QueueMessage<Body>[];
}
