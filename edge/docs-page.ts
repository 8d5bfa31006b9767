/**
 * A readable API reference at `/docs`, rendered on the server from the OpenAPI document: no
 * script or stylesheet from a CDN (nothing is fetched at run time, so it works offline and under
 * a strict CSP), and no script at all. A contents column lists every operation by tag; each
 * operation has an anchor (its operationId), a curl command that pastes as it is against the
 * page's own origin, and the typed client's call.
 */
import { escapeHtml, type Json, prose, schemaAnchor } from "./docs/markup";
import {
  clientSetup,
  type DocumentOperation,
  documentOperations,
  quickStart,
  type SampleContext,
  SHELL_VARIABLES,
} from "./docs/samples";
import { codeBlock, operationSection, schemaSection } from "./docs/sections";
import { DOCS_CSS } from "./docs/style";

interface TagGroup {
  name: string;
  description?: string;
  operations: DocumentOperation[];
}

/**
 * The operations grouped as the document's tags are listed (Presence first), each in path
 * order; an operation whose tag is not listed, or that has none, still gets a group, so none is
 * missing from the contents.
 */
function groupByTag(document: Json, operations: DocumentOperation[]): TagGroup[] {
  const declared = (document.tags as { name: string; description?: string }[] | undefined) ?? [];
  const groups = new Map<string, TagGroup>(
    declared.map((tag) => [tag.name, { ...tag, operations: [] }]),
  );
  for (const entry of operations) {
    const name = ((entry.operation.tags as string[] | undefined) ?? [])[0] ?? "Other";
    if (!groups.has(name)) groups.set(name, { name, operations: [] });
    groups.get(name)!.operations.push(entry);
  }
  return [...groups.values()].filter((group) => group.operations.length > 0);
}

const tagAnchor = (name: string) => `tag-${name}`;

function contents(title: string, groups: TagGroup[], schemaNames: string[]): string {
  const group = ({ name, operations }: TagGroup) =>
    `<h2><a href="#${escapeHtml(tagAnchor(name))}">${escapeHtml(name)}</a></h2><ul>${operations
      .map(
        ({ method, path, operation }) =>
          `<li><a href="#${escapeHtml(operation.operationId)}"><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span>${prose(operation.summary ?? operation.operationId)}<span class="path">${escapeHtml(path)}</span></a></li>`,
      )
      .join("")}</ul>`;
  return `<details class="toc"><summary>Contents</summary><nav aria-label="Contents">
<ul><li><a href="#top"><strong>${escapeHtml(title)}</strong></a></li><li><a href="#start">Start here: a quick start, credentials, the typed client</a></li></ul>
${groups.map(group).join("\n")}
<details><summary>Schemas (${schemaNames.length})</summary><ul class="schemas">${schemaNames
    .map((name) => `<li><a href="#${escapeHtml(schemaAnchor(name))}">${escapeHtml(name)}</a></li>`)
    .join("")}</ul></details>
</nav></details>`;
}

function startHere(operations: DocumentOperation[], context: SampleContext): string {
  const flow = quickStart(operations, context);
  const variables = Object.entries(SHELL_VARIABLES)
    .map(([name, meaning]) => `<dt>$${escapeHtml(name)}</dt><dd>${prose(meaning)}</dd>`)
    .join("");
  return `<section id="start"><h2>Start here</h2>
<p>Every sample calls this page's own origin, <code>${escapeHtml(context.origin)}</code>, with the example values of the contract (stage <code>concert-42</code>, viewer <code>user-1234</code>). The curl samples read their credentials from shell variables:</p>
<dl class="vars">${variables}</dl>
${flow === undefined ? "" : `<p>Set <code>ADMIN_API_KEY</code> (<code>export ADMIN_API_KEY=…</code>), then paste these lines: they create a stage, issue a viewer token, send a heartbeat and read the count.</p>${codeBlock("Quick start (shell)", flow, "quick-start")}`}
<p>In TypeScript, the typed client <code>@viewer-presence/client</code> (<code>openapi-fetch</code> over this contract) takes the same calls; each operation's sample below assumes this <code>client</code> and <code>viewerToken</code>. A browser player uses <code>startHeartbeatLoop</code> instead of calling <code>sendHeartbeat</code> itself.</p>
${codeBlock("TypeScript: the client, made once", clientSetup(context), "client-setup")}
<p>The machine-readable contract: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Fields marked * are required.</p>
</section>`;
}

/**
 * The page. `origin` is where it was served from (e.g. `http://127.0.0.1:8787`), which every
 * sample calls.
 */
export function docsPage(document: Json, origin: string): string {
  const info = (document.info as Json | undefined) ?? {};
  const schemas = ((document.components as Json)?.schemas as Record<string, Json>) ?? {};
  const context: SampleContext = { origin, schemas };
  const operations = documentOperations(document);
  const groups = groupByTag(document, operations);
  const reference = groups.map(
    (group) =>
      `<h2 id="${escapeHtml(tagAnchor(group.name))}">${escapeHtml(group.name)}</h2>${group.description ? `<p>${prose(group.description)}</p>` : ""}
${group.operations.map((entry) => operationSection(entry, context)).join("\n")}`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>${escapeHtml(info.title)} reference</title>
<style>${DOCS_CSS}</style></head><body>
<a class="skip" href="#content">Skip to the reference</a>
<div class="layout">
${contents(String(info.title ?? "API"), groups, Object.keys(schemas))}
<main id="content">
<h1 id="top">${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1>
<p>${prose(info.description)}</p>
${startHere(operations, context)}
${reference.join("\n")}
<h2 id="schemas">Schemas</h2>
${Object.entries(schemas)
  .map(([name, schema]) => schemaSection(name, schema))
  .join("\n")}
</main></div>
</body></html>`;
}
