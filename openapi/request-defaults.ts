// biome-ignore lint/suspicious/noExplicitAny: the pass walks an untyped JSON document
type Json = Record<string, any>;

/** Keywords under which a JSON Schema holds further schemas (the ones the contract uses). */
const SUBSCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"] as const;
const SUBSCHEMA_SINGLES = ["items", "additionalProperties", "not"] as const;

/**
 * States the defaults of request bodies in prose ("Default: `false`.") instead of with the
 * `default` keyword, in place, and returns the document.
 *
 * Why: in JSON Schema `default` is an annotation (the server fills the field in when it is
 * absent), but openapi-typescript with its default options reads a property that has a
 * `default` in a component schema as always present, which is true of an answer and false of a
 * request: `allowAnonymous` and `ttlSec` came out required in integrators' clients. The server
 * still applies the defaults (the zod schemas keep `.default()`); only the document says them in
 * words. Parameters keep `default`: every generator reads it as optional there.
 *
 * Every schema a request body reaches is rewritten, through `$ref`s, so a component shared with
 * an answer would lose its `default` too (none is today).
 */
export function describeRequestDefaults(document: Json): Json {
  const schemas: Json = document.components?.schemas ?? {};
  const visited = new Set<string>();

  const visit = (schema: unknown): void => {
    if (schema === null || typeof schema !== "object") return;
    const node = schema as Json;
    if (typeof node.$ref === "string") {
      const name = node.$ref.replace("#/components/schemas/", "");
      if (!visited.has(name) && schemas[name] !== undefined) {
        visited.add(name);
        visit(schemas[name]);
      }
    }
    for (const property of Object.values((node.properties ?? {}) as Json)) {
      moveDefaultIntoDescription(property);
      visit(property);
    }
    for (const key of SUBSCHEMA_LISTS) for (const inner of node[key] ?? []) visit(inner);
    for (const key of SUBSCHEMA_SINGLES) visit(node[key]);
  };

  for (const methods of Object.values((document.paths ?? {}) as Json)) {
    for (const operation of Object.values(methods as Json)) {
      const content = (operation as Json).requestBody?.content ?? {};
      for (const media of Object.values(content as Json)) visit((media as Json).schema);
    }
  }
  return document;
}

function moveDefaultIntoDescription(property: unknown): void {
  if (property === null || typeof property !== "object" || !("default" in property)) return;
  const schema = property as Json;
  const sentence = `Default: \`${JSON.stringify(schema.default)}\`.`;
  schema.description = schema.description ? `${schema.description} ${sentence}` : sentence;
  delete schema.default;
}
