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

/** A WebSocket a Durable Object accepted with the hibernation API. */
export interface HibernatingWebSocket {
  readonly readyState: number;
  send(message: string): void;
  close(code?: number, reason?: string): void;
  serializeAttachment(value: unknown): void;
  deserializeAttachment(): unknown;
}

/** The part of a Durable Object's storage the presence shard uses (key-value and its alarm). */
export interface DurableObjectStorage {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
  deleteAll(): Promise<void>;
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTimeMs: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

/** A Durable Object's state (`ctx`), as far as the presence shard uses it. */
export interface DurableObjectState {
  readonly storage: DurableObjectStorage;
  acceptWebSocket(socket: HibernatingWebSocket, tags?: string[]): void;
  getWebSockets(tag?: string): HibernatingWebSocket[];
  setWebSocketAutoResponse(pair?: unknown): void;
  getWebSocketAutoResponseTimestamp(socket: HibernatingWebSocket): Date | null;
  /** Runs `callback`, delivering no event to the object until it settles (the input gate). */
  blockConcurrencyWhile<T>(callback: () => Promise<T>): Promise<T>;
}

/** A Durable Object namespace binding (`[[durable_objects.bindings]]`). */
export interface DurableObjectNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(request: Request): Promise<Response> };
}
