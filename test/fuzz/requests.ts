/**
 * Request plans for one operation of the contract: valid, or valid but for one hostile part
 * (path parameters, query, body, content type or credentials), so that most requests get past
 * validation far enough to reach the stores, and the rest probe validation itself.
 */
import fc from "fast-check";
import type { Operation, Parameter, Schema } from "./contract";
import { b64url, badToken, hostileAuth, validAuth, validToken } from "./credentials";
import type { BodyPlan, RequestPlan, UrlValue } from "./plan";
import { extraField, invalidValue, missingRequired, nastyString, validValue } from "./values";

const anyDate = fc
  .date({ min: new Date(0), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true })
  .map((d) => d.toISOString());

/**
 * Cursors a client could forge: well-formed base64url of sort keys shaped like the listings'
 * (mostly outside any from/to range asked for), of other keys, and of garbage.
 */
const forgedCursor = fc
  .oneof(
    { weight: 4, arbitrary: anyDate.map((iso) => `SNAPSHOT#${iso}`) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(anyDate, fc.integer({ min: 0, max: 999 }))
        .map(([iso, part]) => `${iso}#${String(part).padStart(3, "0")}`),
    },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/) },
    { weight: 1, arbitrary: fc.constantFrom("STAGE#x", "CONFIG", "SNAPSHOT#", "", "~") },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  )
  .map((sk) => ({ kind: "text" as const, value: b64url(sk) }));

const garbageCursor: fc.Arbitrary<UrlValue> = fc.oneof(
  fc
    .oneof(
      fc.constantFrom("A", "AAAAA", "=", "====", "***", "eyJ", "x".repeat(513)),
      fc.string({ maxLength: 20 }),
      nastyString(),
    )
    .map((value) => ({ kind: "text" as const, value })),
  fc
    .constantFrom("%FF", "%ED%A0%80", "%", "%00")
    .map((value) => ({ kind: "encoded" as const, value })),
);

/**
 * Percent-encodings that are not UTF-8 (a lone surrogate's, overlong, stray bytes) or not
 * escapes, and encoded separators. Not `..`: URL parsing removes dot segments before a server
 * sees them.
 */
const BAD_ENCODINGS = ["%ED%A0%80", "%FF", "%C0%AF", "%E0%A4%A", "%", "%00", "%1B", "%2F", "%5C"];

const text = (value: string): UrlValue => ({ kind: "text", value });

/** How a scalar travels in a URL: strings as they are, the rest as JSON. */
const scalarText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** A query string cannot say `null`: a parameter typed `number | null` is a number there. */
function urlSchema(schema: Schema): Schema {
  if (!Array.isArray(schema.type)) return schema;
  const types = schema.type.filter((type) => type !== "null");
  return { ...schema, type: types.length === 1 ? types[0]! : types };
}

function validParameter(param: Parameter, tag: string): fc.Arbitrary<UrlValue> {
  // A path parameter names a resource: usually one that exists, so the request gets far.
  if (param.in === "path") {
    return fc.oneof(
      { weight: 8, arbitrary: fc.nat().map((index) => ({ kind: "stage" as const, index })) },
      { weight: 1, arbitrary: validValue(param.schema, tag).map((v) => text(scalarText(v))) },
    );
  }
  if (param.name === "cursor") return fc.nat().map((index) => ({ kind: "seenCursor", index }));
  return validValue(urlSchema(param.schema), tag).map((v) => text(scalarText(v)));
}

function hostileParameter(param: Parameter): fc.Arbitrary<UrlValue> {
  const encoded = fc
    .constantFrom(...BAD_ENCODINGS)
    .map((value) => ({ kind: "encoded" as const, value }));
  if (param.name === "cursor") {
    return fc.oneof(
      { weight: 3, arbitrary: forgedCursor },
      { weight: 1, arbitrary: garbageCursor },
    );
  }
  const invalid = fc.oneof(
    invalidValue(urlSchema(param.schema)).map(scalarText),
    fc.constantFrom(
      "",
      " ",
      "NaN",
      "Infinity",
      "1e309",
      "0x10",
      "-0",
      " 7",
      "٣",
      "9".repeat(400),
      "true",
    ),
  );
  return fc.oneof({ weight: 4, arbitrary: invalid.map(text) }, { weight: 1, arbitrary: encoded });
}

type Query = [string, UrlValue][];

/** Each declared parameter valid or absent (required ones present). */
function validQuery(op: Operation, tag: string): fc.Arbitrary<Query> {
  const each = op.parameters
    .filter((p) => p.in === "query")
    .map((param) =>
      (param.required
        ? validParameter(param, tag).map((v) => [v])
        : fc.oneof(
            fc.constant([] as UrlValue[]),
            validParameter(param, tag).map((v) => [v]),
          )
      ).map((values) => values.map((v) => [param.name, v] as [string, UrlValue])),
    );
  return fc.tuple(...each).map((lists) => lists.flat());
}

/** A valid query with one parameter made hostile, repeated, or dropped, or one added. */
function hostileQuery(op: Operation, tag: string): fc.Arbitrary<Query> {
  const params = op.parameters.filter((p) => p.in === "query");
  const extra = fc
    .tuple(
      fc.constantFrom("__proto__", "constructor", "x", "limit[]", ""),
      fc.string({ maxLength: 8 }),
    )
    .map(([name, value]) => [name, text(value)] as [string, UrlValue]);
  if (params.length === 0) return extra.map((pair) => [pair]);
  return fc
    .tuple(
      validQuery(op, tag),
      fc.constantFrom(...params),
      fc.constantFrom("hostile", "hostile", "hostile", "repeated", "dropped", "extra"),
    )
    .chain(([query, param, how]) => {
      const others = query.filter(([name]) => name !== param.name);
      if (how === "dropped") return fc.constant(others);
      if (how === "extra") return extra.map((pair) => [...query, pair]);
      if (how === "repeated") {
        return fc
          .tuple(validParameter(param, tag), validParameter(param, tag))
          .map(([a, b]) => [...others, [param.name, a], [param.name, b]] as Query);
      }
      return hostileParameter(param).map((v) => [...others, [param.name, v]] as Query);
    });
}

/** Nested arrays `depth` deep as JSON text: far deeper than any schema allows. */
const deeplyNested = (depth: number) => `{"title":${"[".repeat(depth)}${"]".repeat(depth)}}`;

/** Bodies the schema refuses, or that are not JSON, not UTF-8, too large or too deep. */
function hostileBody(schema: Schema, tag: string): fc.Arbitrary<BodyPlan | undefined> {
  const json = (value: fc.Arbitrary<unknown>) =>
    value.map((v) => ({ kind: "json" as const, value: v }));
  const names = Object.keys(schema.properties ?? {});
  const oneBadProperty =
    names.length === 0
      ? extraField(schema)
      : fc
          .constantFrom(...names)
          .chain((name) =>
            fc
              .tuple(validValue(schema, tag), invalidValue(schema.properties![name]!))
              .map(([value, bad]) => ({ ...(value as object), [name]: bad })),
          );
  return fc.oneof(
    { weight: 4, arbitrary: json(oneBadProperty) },
    { weight: 1, arbitrary: json(missingRequired(schema)) },
    { weight: 1, arbitrary: json(extraField(schema)) },
    {
      weight: 1,
      arbitrary: json(fc.oneof(fc.constant(null), fc.constant([]), fc.string(), fc.integer())),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          "",
          "{",
          "{}}",
          '{"title":"a"',
          '{"title":"\u0000\u001b"}', // raw control characters: not JSON
          "\ufeff{}",
          `{"title":"${"x".repeat(20_000)}"}`,
          `{${Array.from({ length: 3000 }, (_, i) => `"k${i}":${i}`).join(",")}}`,
          deeplyNested(1_500),
          deeplyNested(5_000),
          deeplyNested(100_000),
        )
        .map((value) => ({ kind: "text" as const, value })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          validValue(schema, tag),
          fc.constantFrom([0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe2, 0x82], [0x00]),
        )
        .map(([value, insert]) => ({ kind: "bytes" as const, json: value, insert })),
    },
  );
}

const WRONG_CONTENT_TYPES = [
  undefined,
  "",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "text/html",
  "application/json-patch+json",
  "application/json; charset=utf-16",
];

/** Which part of a request is hostile; the others are valid. */
type Part = "none" | "path" | "query" | "body" | "contentType" | "auth";

/** Every request the fuzz can make of `op`: valid, or valid but for one hostile part. */
export function requestPlan(op: Operation, tag: string): fc.Arbitrary<RequestPlan> {
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const path = (hostile: boolean) =>
    fc.record(
      Object.fromEntries(
        pathParams.map((p) => [
          p.name,
          hostile
            ? fc.oneof(
                hostileParameter(p),
                fc
                  .constantFrom(...BAD_ENCODINGS)
                  .map((value) => ({ kind: "encoded" as const, value })),
              )
            : validParameter(p, tag),
        ]),
      ) as Record<string, fc.Arbitrary<UrlValue>>,
    );
  const body = op.body;
  const parts: { weight: number; arbitrary: fc.Arbitrary<Part> }[] = [
    { weight: 3, arbitrary: fc.constant("none") },
    { weight: 3, arbitrary: fc.constant("auth") },
  ];
  if (pathParams.length > 0) parts.push({ weight: 2, arbitrary: fc.constant("path") });
  if (op.parameters.some((p) => p.in === "query"))
    parts.push({ weight: 4, arbitrary: fc.constant("query") });
  if (body !== undefined) {
    parts.push(
      { weight: 4, arbitrary: fc.constant("body") },
      { weight: 1, arbitrary: fc.constant("contentType") },
    );
  }
  return fc.oneof(...parts).chain((part) =>
    fc.record({
      operationId: fc.constant(op.operationId),
      hostile: fc.constant(part),
      path: path(part === "path"),
      query: part === "query" ? hostileQuery(op, tag) : validQuery(op, tag),
      body:
        body === undefined
          ? fc.constant(undefined)
          : part === "body"
            ? hostileBody(body.schema, tag)
            : validValue(body.schema, tag).map((value) => ({ kind: "json" as const, value })),
      // The token in the body's `token` field, as `navigator.sendBeacon` sends it; sometimes
      // one to refuse, since that path verifies tokens too.
      bodyToken: op.security.includes("viewerToken")
        ? fc.option(
            fc.oneof({ weight: 3, arbitrary: validToken }, { weight: 1, arbitrary: badToken }),
            { freq: 2, nil: undefined },
          )
        : fc.constant(undefined),
      contentType:
        body === undefined
          ? fc.constant(undefined)
          : part === "contentType"
            ? fc.constantFrom(...WRONG_CONTENT_TYPES)
            : fc.oneof(
                { weight: 4, arbitrary: fc.constantFrom(...body.contentTypes) },
                {
                  weight: 1,
                  arbitrary: fc
                    .constantFrom(...body.contentTypes)
                    .map((t) => `${t}; charset=UTF-8`),
                },
              ),
      auth: part === "auth" ? hostileAuth : validAuth(op),
      // One request in 20 reaches a new isolate, whose caches are empty (the script path).
      freshIsolate: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
      advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10_000 })),
    }),
  );
}
