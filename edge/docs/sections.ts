/** The `/docs` page's sections: one per operation, one per schema. */
import {
  breakablePath,
  escapeHtml,
  type Json,
  prose,
  refName,
  schemaAnchor,
  typeHtml,
} from "./markup";
import { clientSample, curlSample, type DocumentOperation, type SampleContext } from "./samples";

/** A code block; the label names the language for the reader and for tests. */
export const codeBlock = (label: string, code: string, kind: string): string =>
  `<figure class="sample" data-sample="${escapeHtml(kind)}"><figcaption>${escapeHtml(label)}</figcaption><pre><code>${escapeHtml(code)}</code></pre></figure>`;

/**
 * A table whose cells carry their column's name (`data-label`), which a phone shows before
 * each cell when the rows are stacked as cards.
 */
function table(headers: string[], rows: string[][], className?: string): string {
  const head = headers.map((header) => `<th>${escapeHtml(header)}</th>`).join("");
  const body = rows
    .map(
      (cells) =>
        `<tr>${cells.map((cell, i) => `<td data-label="${escapeHtml(headers[i])}">${cell}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<table${className ? ` class="${className}"` : ""}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A parameter's or field's description, with its default and example after it. */
function describe(schema: Json | undefined, fallback?: unknown): string {
  const text = prose(schema?.description ?? fallback);
  const example =
    schema?.example === undefined
      ? ""
      : ` <span class="example">Example: <code>${escapeHtml(JSON.stringify(schema.example))}</code></span>`;
  return `${text}${example}`;
}

function securityLine(operation: Json): string {
  const alternatives = (operation.security as Json[] | undefined) ?? [];
  const names = alternatives.flatMap((item) => Object.keys(item));
  if (names.length === 0) return `<p class="auth">Auth: none.</p>`;
  const optional = alternatives.some((item) => Object.keys(item).length === 0);
  return `<p class="auth">Auth: ${names.map((name) => `<code>${escapeHtml(name)}</code>`).join(" or ")}${optional ? " (optional)" : ""}.</p>`;
}

function parametersTable(operation: Json): string {
  const parameters = (operation.parameters as Json[] | undefined) ?? [];
  if (parameters.length === 0) return "";
  const rows = parameters.map((parameter) => {
    const schema = parameter.schema as Json | undefined;
    return [
      `<code>${escapeHtml(parameter.name)}</code>${parameter.required ? " *" : ""}`,
      escapeHtml(parameter.in),
      typeHtml(schema),
      describe(schema, parameter.description),
    ];
  });
  return table(["parameter", "in", "type", "description"], rows);
}

/** `type Name` for each media type of a body. */
function mediaList(content: Json | undefined): string {
  return Object.entries((content as Record<string, Json> | undefined) ?? {})
    .map(([type, media]) => `<code>${escapeHtml(type)}</code> ${typeHtml(media.schema as Json)}`)
    .join("<br>");
}

function requestBodyLine(operation: Json): string {
  const body = operation.requestBody as Json | undefined;
  if (body === undefined) return "";
  return `<p>Body${body.required ? " *" : " (optional)"}: ${mediaList(body.content as Json)}${body.description ? `. ${prose(body.description)}` : ""}</p>`;
}

/**
 * The answers: successes with their bodies; then the errors, whose body is the same problem
 * document wherever the contract says so, named once above their table instead of on each row.
 */
function responsesTables(operation: Json): string {
  const responses = Object.entries((operation.responses as Record<string, Json> | undefined) ?? {});
  const isError = ([status]: [string, Json]) => /^[45]/.test(status);
  const successes = responses.filter((response) => !isError(response));
  const errors = responses.filter(isError);
  const bodies = new Set(errors.map(([, response]) => mediaList(response.content as Json)));
  const shared = bodies.size === 1 ? [...bodies][0] : undefined;
  const answers = table(
    ["status", "answer", "body"],
    successes.map(([status, response]) => [
      escapeHtml(status),
      prose(response.description),
      mediaList(response.content as Json),
    ]),
    "responses",
  );
  if (errors.length === 0) return answers;
  const errorRows = errors.map(([status, response]) => [
    escapeHtml(status),
    prose(response.description),
    ...(shared === undefined ? [mediaList(response.content as Json)] : []),
  ]);
  return `${answers}<p class="errors-head">Errors${shared ? `, each a ${shared}` : ""}:</p>${table(shared === undefined ? ["status", "meaning", "body"] : ["status", "meaning"], errorRows, "errors")}`;
}

/** An operation: what it does, its auth, parameters, body and answers, and its samples. */
export function operationSection(entry: DocumentOperation, context: SampleContext): string {
  const { method, path, operation } = entry;
  const summary = String(operation.summary ?? operation.operationId);
  return `<section class="operation" id="${escapeHtml(operation.operationId)}">
<h3><a class="anchor" href="#${escapeHtml(operation.operationId)}">${prose(summary)}</a></h3>
<p class="endpoint"><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${breakablePath(path)}</code> <small>${escapeHtml(operation.operationId)}</small></p>
<p>${prose(operation.description)}</p>
${securityLine(operation)}
${parametersTable(operation)}
${requestBodyLine(operation)}
${responsesTables(operation)}
${codeBlock("curl", curlSample(entry, context), "curl")}
${codeBlock("TypeScript (@viewer-presence/client)", clientSample(entry, context), "client")}
</section>`;
}

/** A schema: its fields with their types, descriptions and examples. */
export function schemaSection(name: string, schema: Json): string {
  const properties = (schema.properties as Record<string, Json> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows = Object.entries(properties).map(([field, property]) => [
    `<code>${escapeHtml(field)}</code>${required.has(field) ? " *" : ""}`,
    typeHtml(property),
    describe(property),
  ]);
  const fields =
    rows.length === 0
      ? `<p>Type: ${typeHtml(schema)}</p>`
      : table(["field", "type", "description"], rows);
  const alias = refName(schema);
  return `<section class="schema" id="${escapeHtml(schemaAnchor(name))}"><h3><a class="anchor" href="#${escapeHtml(schemaAnchor(name))}">${escapeHtml(name)}</a></h3>${schema.description ? `<p>${prose(schema.description)}</p>` : ""}${alias ? `<p>Same as ${typeHtml(schema)}.</p>` : fields}</section>`;
}
