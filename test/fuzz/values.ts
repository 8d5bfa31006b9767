/**
 * Values derived from a JSON Schema: ones the schema accepts (including the hostile ones it
 * does not forbid: lone surrogates, control characters) and ones it refuses (wrong types,
 * out of range, too long, not matching the pattern).
 */
import fc from "fast-check";
import { T0 } from "../in-process/harness";
import type { Schema } from "./contract";

/** Characters that have broken text handling before: lone surrogates, NUL, ESC, BOM, RTL override. */
export const NASTY_CHARS = [
  "\ud800",
  "\udfff",
  "\u0000",
  "\u001b",
  "\u0007",
  "\u007f",
  "\ufeff",
  "\u202e",
  "\uffff",
  "\n",
  '"',
  "\\",
  "💥",
];

/** A string with one or more nasty characters spliced into ordinary text. */
export const nastyString = (maxLength = 40) =>
  fc
    .tuple(
      fc.string({ maxLength }),
      fc.array(fc.constantFrom(...NASTY_CHARS), { minLength: 1, maxLength: 3 }),
      fc.nat(),
    )
    .map(([text, chars, at]) => {
      const i = text.length === 0 ? 0 : at % text.length;
      return text.slice(0, i) + chars.join("") + text.slice(i);
    });

const DAY_MS = 86_400_000;

/** A date-time the contract accepts: mostly near the test clock (which starts at T0), sometimes anywhere. */
const isoDate = fc
  .oneof(
    { weight: 3, arbitrary: fc.integer({ min: T0 - 3 * DAY_MS, max: T0 + 2 * DAY_MS }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }) },
  )
  .map((ms) => new Date(ms).toISOString());

const badDates = [
  "x",
  "2026-13-01T00:00:00.000Z",
  "2026-11-27",
  "2026-11-27T00:00:00.000+01:00",
  "+275760-09-13T00:00:00.000Z",
  "-000001-01-01T00:00:00.000Z",
  "0000-01-01T00:00:00.000Z",
  "9999-12-31T23:59:59.999Z",
  "2026-12-31T23:59:60Z",
  "2026-02-30T00:00:00.000Z",
];

/** A value of `schema` that the schema accepts. `tag` prefixes ids so runs do not collide. */
export function validValue(schema: Schema, tag = ""): fc.Arbitrary<unknown> {
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  if (Array.isArray(schema.type)) {
    return fc.oneof(...schema.type.map((type) => validValue({ ...schema, type }, tag)));
  }
  switch (schema.type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer": {
      const min = schema.minimum ?? -1_000_000;
      const max = schema.maximum ?? 1_000_000;
      // The bounds themselves, often: a page size of 1 is what makes listings hand out cursors.
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, min + 1, max));
    }
    case "number":
      return fc.double({
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "string":
      return validString(schema, tag);
    case "array":
      return fc.array(validValue(schema.items ?? {}, tag), { maxLength: 3 });
    case "object": {
      const properties = schema.properties ?? {};
      return fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([name, inner]) => [name, validValue(inner, tag)]),
        ),
        { requiredKeys: schema.required ?? [] },
      );
    }
    default:
      return fc.jsonValue();
  }
}

function validString(schema: Schema, tag: string): fc.Arbitrary<string> {
  if (schema.format === "date-time") return isoDate;
  if (schema.pattern !== undefined) {
    const pattern = new RegExp(schema.pattern);
    // Tagged when the tagged string still matches, so ids this run creates are its own.
    return fc
      .stringMatching(pattern)
      .map((s) => (tag !== "" && pattern.test(tag + s) ? tag + s : s));
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? 100;
  const fits = (s: string) => s.length >= minLength && s.length <= maxLength;
  // Hostile text the schema does not forbid is still valid input, so it is generated here.
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength, maxLength: Math.min(maxLength, 40) }) },
    { weight: 1, arbitrary: nastyString(Math.min(maxLength, 40)).filter(fits) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: "binary", minLength, maxLength: Math.min(maxLength, 40) }),
    },
  );
}

/** A value of another JSON type than `schema` allows. */
function wrongType(schema: Schema): fc.Arbitrary<unknown> {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const others: fc.Arbitrary<unknown>[] = [];
  if (!types.includes("string")) others.push(fc.string({ maxLength: 10 }));
  if (!types.includes("number") && !types.includes("integer")) others.push(fc.integer());
  if (!types.includes("boolean")) others.push(fc.boolean());
  if (!types.includes("null")) others.push(fc.constant(null));
  if (!types.includes("array")) others.push(fc.constant([1, "a"]));
  if (!types.includes("object")) others.push(fc.constant({ a: 1 }));
  return fc.oneof(...others);
}

/** A value `schema` refuses. */
export function invalidValue(schema: Schema): fc.Arbitrary<unknown> {
  const choices: fc.Arbitrary<unknown>[] = [wrongType(schema)];
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.enum !== undefined) choices.push(fc.constantFrom("", "LIVE", "unknown", " live"));
  if (types.includes("integer")) choices.push(fc.constantFrom(0.5, 1.000001, -0.5));
  if (schema.minimum !== undefined)
    choices.push(fc.constantFrom(schema.minimum - 1, schema.minimum - 1e9));
  if (schema.maximum !== undefined)
    choices.push(fc.constantFrom(schema.maximum + 1, schema.maximum * 1e6 + 1));
  if (types.includes("string")) {
    if (schema.format === "date-time") choices.push(fc.constantFrom(...badDates));
    if (schema.maxLength !== undefined) choices.push(fc.constant("x".repeat(schema.maxLength + 1)));
    if ((schema.minLength ?? 0) > 0) choices.push(fc.constant(""));
    if (schema.pattern !== undefined) {
      const pattern = new RegExp(schema.pattern);
      choices.push(nastyString().filter((s) => !pattern.test(s)));
      choices.push(fc.constant("x".repeat(10_000))); // an overlong id
    }
  }
  if (types.includes("object") && schema.properties !== undefined) {
    choices.push(missingRequired(schema), extraField(schema));
  }
  return fc.oneof(...choices);
}

/** A valid object without one of its required properties. */
export function missingRequired(schema: Schema): fc.Arbitrary<unknown> {
  const required = schema.required ?? [];
  if (required.length === 0) return extraField(schema);
  return fc.tuple(validValue(schema), fc.constantFrom(...required)).map(([value, name]) => {
    const copy = { ...(value as Record<string, unknown>) };
    delete copy[name];
    return copy;
  });
}

/** A valid object with a property the schema does not name (including prototype keys). */
export function extraField(schema: Schema): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      validValue(schema),
      fc.constantFrom("__proto__", "constructor", "prototype", "extra", "ID", "status", ""),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .filter(([, name]) => schema.properties?.[name] === undefined)
    .map(([value, name, extra]) => {
      // JSON.parse gives `__proto__` as an own property, as a client's body would.
      return JSON.parse(
        JSON.stringify(value)
          .replace(/^\{/, `{${JSON.stringify(name)}:${JSON.stringify(extra)},`)
          .replace(/,\}$/, "}"),
      ) as unknown;
    });
}
