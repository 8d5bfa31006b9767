/**
 * The `/docs` page's code samples, built from the contract alone: for each operation a curl
 * command that pastes as it is (the page's own origin, the example values of its parameters and
 * body, credentials from shell variables) and the typed client's call; and the quick start, the
 * same samples of four operations in a row.
 */
import { type Json, refName } from "./markup";

/** One operation of the document, with where it lives. */
export interface DocumentOperation {
  method: string;
  path: string;
  operation: Json;
}

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

/** Every operation of the document, in path order. */
export function documentOperations(document: Json): DocumentOperation[] {
  const paths = (document.paths as Record<string, Record<string, Json>> | undefined) ?? {};
  return Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, operation]) => ({ method, path, operation })),
  );
}

/** What the samples are built against. */
export interface SampleContext {
  /** The origin the page was served from, e.g. `http://127.0.0.1:8787`: the samples call it. */
  origin: string;
  schemas: Record<string, Json>;
}

/**
 * The credential a sample sends, by security scheme, in order of preference: the admin key is
 * accepted wherever the analytics key is, and a newcomer has the admin key (npm start prints it).
 */
const CREDENTIALS: { scheme: string; shellVariable: string }[] = [
  { scheme: "viewerToken", shellVariable: "VIEWER_TOKEN" },
  { scheme: "adminKey", shellVariable: "ADMIN_API_KEY" },
  { scheme: "analyticsKey", shellVariable: "ADMIN_API_KEY" },
];

/** The shell variables the samples read, and where each comes from. */
export const SHELL_VARIABLES = {
  ADMIN_API_KEY: "the admin key (`npm start` prints it; your deployment's secret otherwise)",
  VIEWER_TOKEN: "a viewer token (the quick start below sets it from `issueViewerToken`)",
} as const;

/** The security scheme whose credential the samples send, if the operation takes one. */
export function credentialOf(operation: Json): string | undefined {
  const alternatives = (operation.security as Json[] | undefined) ?? [];
  const schemes = new Set(alternatives.flatMap((item) => Object.keys(item)));
  return CREDENTIALS.find(({ scheme }) => schemes.has(scheme))?.scheme;
}

const resolve = (schema: Json | undefined, context: SampleContext): Json | undefined => {
  const name = refName(schema);
  return name === undefined ? schema : context.schemas[name];
};

/**
 * An example value for a schema: its own `example` (or `default`); for an object its required
 * fields and its `id` (so the samples that follow find the stage the first one creates).
 */
function exampleOf(schema: Json | undefined, context: SampleContext, depth = 0): unknown {
  const resolved = resolve(schema, context);
  if (resolved === undefined || depth > 4) return null;
  if (resolved.example !== undefined) return resolved.example;
  if (resolved.default !== undefined) return resolved.default;
  if (Array.isArray(resolved.enum)) return resolved.enum[0];
  const properties = resolved.properties as Record<string, Json> | undefined;
  if (properties !== undefined) {
    const wanted = new Set([...((resolved.required as string[] | undefined) ?? []), "id"]);
    return Object.fromEntries(
      Object.entries(properties)
        .filter(([name]) => wanted.has(name))
        .map(([name, property]) => [name, exampleOf(property, context, depth + 1)]),
    );
  }
  if (resolved.type === "array") return [exampleOf(resolved.items as Json, context, depth + 1)];
  return { string: "text", integer: 1, number: 1, boolean: false }[String(resolved.type)] ?? null;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Json;
  example?: unknown;
}

const parametersOf = (operation: Json): Parameter[] =>
  (operation.parameters as Parameter[] | undefined) ?? [];

const parameterExample = (parameter: Parameter, context: SampleContext): unknown =>
  parameter.example ?? exampleOf(parameter.schema, context);

/** Path parameters and required query parameters, with their example values. */
function parameterValues(operation: Json, where: "path" | "query", context: SampleContext) {
  return parametersOf(operation)
    .filter((parameter) => parameter.in === where && (where === "path" || parameter.required))
    .map((parameter) => [parameter.name, parameterExample(parameter, context)] as const);
}

/** The request body a sample sends: only where the operation requires one. */
function bodyExample(operation: Json, context: SampleContext): unknown {
  const body = operation.requestBody as Json | undefined;
  if (body?.required !== true) return undefined;
  const content = body.content as Record<string, Json> | undefined;
  const media = content?.["application/json"];
  return media === undefined ? undefined : exampleOf(media.schema as Json, context);
}

/** The URL a sample calls: the origin, the path with its examples, required query parameters. */
export function sampleUrl({ path, operation }: DocumentOperation, context: SampleContext): string {
  let filled = path;
  for (const [name, value] of parameterValues(operation, "path", context)) {
    filled = filled.replace(`{${name}}`, encodeURIComponent(String(value)));
  }
  const query = parameterValues(operation, "query", context);
  const search = new URLSearchParams(query.map(([name, value]) => [name, String(value)]));
  return `${context.origin}${filled}${query.length > 0 ? `?${search}` : ""}`;
}

/** Single-quoted for a POSIX shell: nothing inside is expanded. */
const shellQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/** A curl command for the operation that pastes into a shell as it is. */
export function curlSample(entry: DocumentOperation, context: SampleContext): string {
  const method = entry.method.toUpperCase();
  const lines = [
    `curl -s${method === "GET" ? "" : ` -X ${method}`} ${shellQuote(sampleUrl(entry, context))}`,
  ];
  const scheme = credentialOf(entry.operation);
  const variable = CREDENTIALS.find((credential) => credential.scheme === scheme)?.shellVariable;
  if (variable !== undefined) lines.push(`-H "authorization: Bearer $${variable}"`);
  const body = bodyExample(entry.operation, context);
  if (body !== undefined) {
    lines.push("-H 'content-type: application/json'", `-d ${shellQuote(JSON.stringify(body))}`);
  }
  return lines.join(" \\\n  ");
}

/** A value as a TypeScript literal: keys unquoted where they are identifiers. */
function tsLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const fields = Object.entries(value).map(
      ([key, field]) =>
        `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${tsLiteral(field)}`,
    );
    return fields.length === 0 ? "{}" : `{ ${fields.join(", ")} }`;
  }
  return JSON.stringify(value);
}

/** Whether the operation's success answers JSON (openapi-fetch parses it by default). */
function answersJson(operation: Json): boolean {
  const responses = (operation.responses as Record<string, Json> | undefined) ?? {};
  return Object.entries(responses)
    .filter(([status]) => status.startsWith("2"))
    .every(([, response]) => {
      const types = Object.keys((response.content as Json | undefined) ?? {});
      return types.length === 0 || types.includes("application/json");
    });
}

/** The typed client's call (`client` from {@link clientSetup}). */
export function clientSample(entry: DocumentOperation, context: SampleContext): string {
  const options: string[] = [];
  const path = Object.fromEntries(parameterValues(entry.operation, "path", context));
  const query = Object.fromEntries(parameterValues(entry.operation, "query", context));
  const params = {
    ...(Object.keys(path).length > 0 ? { path } : {}),
    ...(Object.keys(query).length > 0 ? { query } : {}),
  };
  if (Object.keys(params).length > 0) options.push(`params: ${tsLiteral(params)}`);
  const body = bodyExample(entry.operation, context);
  if (body !== undefined) options.push(`body: ${tsLiteral(body)}`);
  // The client sends the admin key on operator operations itself; a viewer token goes per call.
  if (credentialOf(entry.operation) === "viewerToken") {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample's own template literal, as text
    options.push("headers: { Authorization: `Bearer ${viewerToken}` }");
  }
  if (!answersJson(entry.operation)) options.push(`parseAs: "text"`);
  const call = `const { data, error } = await client.${entry.method.toUpperCase()}(${JSON.stringify(entry.path)}`;
  if (options.length === 0) return `${call});`;
  return `${call}, {\n${options.map((option) => `  ${option},`).join("\n")}\n});`;
}

/** What every client sample assumes: the client, made once. */
export function clientSetup(context: SampleContext): string {
  return `import { createPresenceClient } from "@viewer-presence/client";

// Backends only with the admin key: the client sends it on operator operations alone.
const client = createPresenceClient({
  baseUrl: ${JSON.stringify(context.origin)},
  adminKey: process.env.ADMIN_API_KEY,
});
// A viewer token, for the viewer operations: from issueViewerToken (or signViewerToken).
const viewerToken = process.env.VIEWER_TOKEN ?? "";`;
}

/** The operations of the quick start, in order: a stage, a token, a heartbeat, the count. */
const QUICK_START = ["createStage", "issueViewerToken", "sendHeartbeat", "getStageViewers"];

/**
 * The quick start as shell lines (`ADMIN_API_KEY` set beforehand), from the operations' own
 * samples; the token is read from the JSON answer with Node, which this project needs anyway.
 * Undefined if the document lacks one of its operations.
 */
export function quickStart(
  operations: DocumentOperation[],
  context: SampleContext,
): string | undefined {
  const steps = QUICK_START.map((id) =>
    operations.find(({ operation }) => operation.operationId === id),
  );
  if (steps.some((step) => step === undefined)) return undefined;
  const [create, issue, heartbeat, count] = steps as DocumentOperation[];
  const readToken = `node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).token'`;
  return [
    "# A stage (a second run answers 409: it exists)",
    curlSample(create!, context),
    "# A viewer token for it",
    `VIEWER_TOKEN=$(${curlSample(issue!, context)} | ${readToken})`,
    "# A heartbeat: the viewer is counted",
    curlSample(heartbeat!, context),
    "# The stage's count",
    curlSample(count!, context),
  ].join("\n");
}
