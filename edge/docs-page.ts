/**
 * A readable API reference at `/docs`, rendered on the server from the OpenAPI document: no
 * script or stylesheet from a CDN, so it works offline and under a strict CSP.
 */
type Json = Record<string, unknown>;

const escapeHtml = (text: unknown) =>
  String(text ?? "").replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** Inline code spans (`x`) are the only markdown the descriptions use. */
const prose = (text: unknown) => escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");

function schemaName(schema: Json | undefined): string {
  if (!schema) return "";
  const ref = schema.$ref;
  if (typeof ref === "string") return ref.split("/").at(-1) ?? "";
  return String(schema.type ?? "object");
}

function operationSection(method: string, path: string, operation: Json): string {
  const parameters = (operation.parameters as Json[] | undefined) ?? [];
  const body = (operation.requestBody as Json | undefined)?.content as
    | Record<string, Json>
    | undefined;
  const responses = (operation.responses as Record<string, Json>) ?? {};
  const security = (operation.security as Json[] | undefined)?.flatMap((item) => Object.keys(item));
  return `<section id="${escapeHtml(operation.operationId)}">
<h3><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code> <small>${escapeHtml(operation.operationId)}</small></h3>
<p><strong>${prose(operation.summary)}</strong>${/[.?!]$/.test(String(operation.summary)) ? "" : "."} ${prose(operation.description)}</p>
${security?.length ? `<p>Auth: ${security.map((name) => `<code>${escapeHtml(name)}</code>`).join(" or ")}${(operation.security as Json[]).some((item) => Object.keys(item).length === 0) ? " (optional)" : ""}</p>` : ""}
${parameters.length ? `<table><tr><th>parameter</th><th>in</th><th>description</th></tr>${parameters.map((p) => `<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? " *" : ""}</td><td>${escapeHtml(p.in)}</td><td>${prose((p.schema as Json | undefined)?.description ?? p.description)}</td></tr>`).join("")}</table>` : ""}
${
  body
    ? `<p>Body: ${Object.entries(body)
        .map(
          ([type, media]) =>
            `<code>${escapeHtml(type)}</code> ${escapeHtml(schemaName(media.schema as Json))}`,
        )
        .join(", ")}</p>`
    : ""
}
<table><tr><th>status</th><th>meaning</th><th>body</th></tr>${Object.entries(responses)
    .map(
      ([status, response]) =>
        `<tr><td>${escapeHtml(status)}</td><td>${prose(response.description)}</td><td>${Object.entries(
          (response.content as Record<string, Json>) ?? {},
        )
          .map(
            ([type, media]) =>
              `<code>${escapeHtml(type)}</code> ${escapeHtml(schemaName(media.schema as Json))}`,
          )
          .join("")}</td></tr>`,
    )
    .join("")}</table>
</section>`;
}

function schemaSection(name: string, schema: Json): string {
  const properties = (schema.properties as Record<string, Json> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3><p>${prose(schema.description)}</p>
<table><tr><th>field</th><th>type</th><th>description</th><th>example</th></tr>${Object.entries(
    properties,
  )
    .map(
      ([field, property]) =>
        `<tr><td><code>${escapeHtml(field)}</code>${required.has(field) ? " *" : ""}</td><td>${escapeHtml(property.type ?? schemaName(property))}${property.enum ? ` (${(property.enum as unknown[]).map(escapeHtml).join(" | ")})` : ""}</td><td>${prose(property.description)}</td><td><code>${escapeHtml(JSON.stringify(property.example))}</code></td></tr>`,
    )
    .join("")}</table></section>`;
}

export function docsPage(document: Json): string {
  const info = document.info as Json;
  const paths = document.paths as Record<string, Record<string, Json>>;
  const schemas = ((document.components as Json)?.schemas as Record<string, Json>) ?? {};
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method, path, operation })),
  );
  // Grouped as the document's tags are listed (Presence first), each group in path order.
  const tags = (document.tags as { name: string; description?: string }[] | undefined) ?? [];
  const grouped = tags.map(
    (
      tag,
    ) => `<h2 id="tag-${escapeHtml(tag.name)}">${escapeHtml(tag.name)}</h2><p>${prose(tag.description)}</p>
${operations
  .filter(({ operation }) => ((operation.tags as string[] | undefined) ?? []).includes(tag.name))
  .map(({ method, path, operation }) => operationSection(method, path, operation))
  .join("\n")}`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code{background:#f2f2f2;padding:0 .2em;border-radius:3px}table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}.method{background:#234;color:#fff;padding:0 .4em;border-radius:3px}
section{border-top:1px solid #eee;padding-top:.5rem}small{color:#777}</style></head><body>
<h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1><p>${prose(info.description)}</p>
<p>The machine-readable contract: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Fields marked * are required.</p>
${grouped.join("\n")}
<h2>Schemas</h2>${Object.entries(schemas)
    .map(([name, schema]) => schemaSection(name, schema))
    .join("\n")}
</body></html>`;
}
