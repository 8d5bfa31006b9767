/** HTML helpers of the `/docs` page: escaping, the descriptions' one bit of markdown, links. */

/** A node of the OpenAPI document, read loosely: the page renders what is there. */
export type Json = Record<string, unknown>;

export const escapeHtml = (text: unknown): string =>
  String(text ?? "").replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** Inline code spans (`x`) are the only markdown the descriptions use. */
export const prose = (text: unknown): string =>
  escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");

/** The component name a `$ref` points at (`#/components/schemas/Stage` → `Stage`). */
export function refName(schema: Json | undefined): string | undefined {
  const ref = schema?.$ref;
  return typeof ref === "string" ? ref.split("/").at(-1) : undefined;
}

/** The anchor of a schema's section. */
export const schemaAnchor = (name: string): string => `schema-${name}`;

/**
 * A schema's type as the reader needs it: a link to a named schema, `array of` one, or the
 * plain type with its enum.
 */
export function typeHtml(schema: Json | undefined): string {
  if (schema === undefined) return "";
  const name = refName(schema);
  if (name !== undefined) {
    return `<a href="#${escapeHtml(schemaAnchor(name))}">${escapeHtml(name)}</a>`;
  }
  const alternatives = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (alternatives) return alternatives.map(typeHtml).join(" or ");
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type;
  if (type === "array") return `array of ${typeHtml(schema.items as Json | undefined)}`;
  const values = schema.enum as unknown[] | undefined;
  const enumText = values
    ? ` (${values.map((v) => escapeHtml(JSON.stringify(v))).join(" | ")})`
    : "";
  return `${escapeHtml(type ?? "object")}${enumText}`;
}

/** A path with a line-break opportunity after each `/`, for narrow columns. */
export const breakablePath = (path: string): string => escapeHtml(path).replaceAll("/", "/<wbr>");
