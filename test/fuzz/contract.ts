/**
 * The operations of `openapi/openapi.json`, read from the committed document itself (not from
 * the zod routes), so the fuzz sees exactly what clients see, and an operation added to the
 * contract is fuzzed without touching the fuzz.
 */
import { readFileSync } from "node:fs";

/** The subset of JSON Schema the contract uses (zod's output), `$ref`s resolved. */
export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: Schema;
}

export interface Operation {
  operationId: string;
  method: string;
  /** The path template, e.g. `/v1/stages/{stageId}`. */
  path: string;
  parameters: Parameter[];
  body?: { required: boolean; contentTypes: string[]; schema: Schema };
  /** Security schemes any one of which is accepted; `[]` means public. */
  security: string[];
  /** `true` when one alternative of `security` is `{}` (anonymous allowed). */
  allowsAnonymous: boolean;
  /** The statuses the contract declares. */
  statuses: number[];
  /** The response schema of each declared status, by content type. */
  responses: Record<string, Record<string, Schema>>;
}

type Json = Record<string, unknown>;

const METHODS = ["get", "put", "post", "patch", "delete", "head", "options"];

/** Replaces every `$ref` by what it points to (the contract has no recursive schemas). */
function resolve(document: Json, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(document, item));
  if (value === null || typeof value !== "object") return value;
  const ref = (value as Json).$ref;
  if (typeof ref === "string") {
    const target = ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<unknown>((node, part) => (node as Json)[part], document);
    return resolve(document, target);
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, resolve(document, inner)]),
  );
}

/** Every operation of the document at `file` (default: the committed contract). */
export function readOperations(
  file = new URL("../../openapi/openapi.json", import.meta.url),
): Operation[] {
  const document = JSON.parse(readFileSync(file, "utf8")) as Json;
  const resolved = resolve(document, document.paths) as Record<string, Record<string, Json>>;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(resolved)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op === undefined) continue;
      const security = (op.security ?? document.security ?? []) as Record<string, unknown>[];
      const body = op.requestBody as
        | { required?: boolean; content: Record<string, { schema: Schema }> }
        | undefined;
      const responses = op.responses as Record<string, { content?: Record<string, Json> }>;
      operations.push({
        operationId: String(op.operationId),
        method: method.toUpperCase(),
        path,
        parameters: ((op.parameters ?? []) as Parameter[]).map((p) => ({
          ...p,
          required: p.required ?? false,
        })),
        ...(body === undefined
          ? {}
          : {
              body: {
                required: body.required ?? false,
                contentTypes: Object.keys(body.content),
                // Every content type of a body carries the same schema in this contract.
                schema: Object.values(body.content)[0]!.schema,
              },
            }),
        security: security.flatMap((alternative) => Object.keys(alternative)),
        allowsAnonymous: security.length === 0 || security.some((a) => Object.keys(a).length === 0),
        statuses: Object.keys(responses).map(Number),
        responses: Object.fromEntries(
          Object.entries(responses).map(([status, response]) => [
            status,
            Object.fromEntries(
              Object.entries(response.content ?? {}).map(([type, media]) => [
                type,
                media.schema as Schema,
              ]),
            ),
          ]),
        ),
      });
    }
  }
  return operations;
}
