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
  /** Runs `callback` inside the object `stub` names (its instance and its `ctx`). */
  export function runInDurableObject<Instance, State, R>(
    stub: unknown,
    callback: (instance: Instance, state: State) => R | Promise<R>,
  ): Promise<R>;
  /** Runs a Durable Object's alarm now, if one is set; whether it ran. */
  export function runDurableObjectAlarm(stub: unknown): Promise<boolean>;
  /** Tears the object's instance down (its sockets hibernated, or closed), keeping its storage. */
  export function evictDurableObject(
    stub: unknown,
    options?: { webSockets?: "close" | "hibernate" },
  ): Promise<void>;
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

/** The client end of a WebSocket a Worker's response carries (workerd's, accepted before use). */
interface WorkerSocket {
  accept(): void;
  send(message: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(
    type: "close",
    listener: (event: { code: number; reason: string }) => void,
  ): void;
}

// What `cloudflare:workers` gives these tests: the worker under test's own handlers, each call a
// request of its own in workerd (its own I/O context), as production requests are.
declare module "cloudflare:workers" {
  export const exports: {
    default: {
      fetch(
        input: string | Request,
        init?: RequestInit,
      ): Promise<Response & { webSocket: WorkerSocket | null }>;
    };
  };
}
