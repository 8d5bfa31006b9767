import { readFile } from "node:fs/promises";
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { createApp } from "../../edge/app";
import { buildOpenApiDocument } from "../../openapi/document";
import { emitContract } from "../../openapi/emit";
import { CreateStageSchema } from "../../openapi/schemas/stage";
import { IssueViewerTokenSchema } from "../../openapi/schemas/token";

// biome-ignore lint/suspicious/noExplicitAny: the test walks an untyped JSON document
type Json = Record<string, any>;

const OPERATION_IDS = [
  "startAnonymousSession",
  "sendHeartbeat",
  "leaveStage",
  "getStageViewers",
  "openPresenceSocket",
  "getViewerTotals",
  "createStage",
  "getStage",
  "listStages",
  "updateStage",
  "issueViewerToken",
  "exportViewingRecords",
  "getStageBreakdown",
  "getStageSeries",
  "listStageRollups",
  "listStageSnapshots",
  "listViewingRecords",
  "listBroadcasts",
  "getBroadcast",
  "getViewerWatchTime",
  "estimateCost",
  "getHealth",
];

describe("the contract", () => {
  it("passes a third-party OpenAPI 3.1 validator", async () => {
    const document = buildOpenApiDocument();
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
    expect(document.openapi).toBe("3.1.0");
  });

  it("matches the committed openapi.json and types (run `npm run openapi` when this fails)", async () => {
    const emitted = await emitContract();
    for (const [name, content] of Object.entries(emitted)) {
      expect(await readFile(new URL(`../../openapi/${name}`, import.meta.url), "utf8"), name).toBe(
        content,
      );
    }
  });

  it("has every operationId, and errors declared as problem+json on every route", () => {
    const document = buildOpenApiDocument() as Json;
    const operations = Object.values(document.paths as Json).flatMap((methods) =>
      Object.values(methods as Json),
    ) as Json[];
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(
      [...OPERATION_IDS].sort(),
    );
    for (const operation of operations) {
      const errors = Object.entries(operation.responses as Json).filter(
        ([status]) => Number(status) >= 400,
      );
      expect(errors.length, operation.operationId).toBeGreaterThan(0);
      for (const [status, response] of errors) {
        expect(Object.keys(response.content), `${operation.operationId} ${status}`).toEqual([
          "application/problem+json",
        ]);
      }
    }
  });

  it("gives every field a description and an example", () => {
    const schemas = (buildOpenApiDocument() as Json).components.schemas as Json;
    const missing: string[] = [];
    for (const [name, schema] of Object.entries(schemas)) {
      for (const [field, property] of Object.entries((schema.properties ?? {}) as Json)) {
        if (typeof property.$ref === "string") {
          // A registered schema: described (with examples on its own fields) where it is defined.
          const target = schemas[property.$ref.split("/").at(-1)];
          if (!target?.description)
            missing.push(`${name}.${field} -> ${property.$ref} description`);
          continue;
        }
        if (!property.description) missing.push(`${name}.${field} description`);
        if (property.example === undefined) missing.push(`${name}.${field} example`);
      }
    }
    const operations = Object.values((buildOpenApiDocument() as Json).paths as Json).flatMap(
      (methods) => Object.values(methods as Json),
    ) as Json[];
    for (const operation of operations) {
      for (const parameter of (operation.parameters ?? []) as Json[]) {
        const where = `${operation.operationId} ${parameter.name}`;
        if (!(parameter.description ?? parameter.schema?.description))
          missing.push(`${where} description`);
        if ((parameter.example ?? parameter.schema?.example) === undefined)
          missing.push(`${where} example`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("states request bodies' defaults in prose, which generators read as optional fields", () => {
    const document = buildOpenApiDocument() as Json;
    const schemas = document.components.schemas as Json;
    const withDefault: string[] = [];
    for (const name of ["CreateStage", "IssueViewerToken", "UpdateStage", "ViewerBody"]) {
      for (const [field, property] of Object.entries(schemas[name].properties as Json)) {
        if ("default" in property) withDefault.push(`${name}.${field}`);
      }
    }
    // openapi-typescript (default options) makes a component field with a `default` required.
    expect(withDefault).toEqual([]);
    expect(schemas.CreateStage.properties.allowAnonymous.description).toMatch(
      /Default: `false`\.$/,
    );
    expect(schemas.IssueViewerToken.properties.ttlSec.description).toMatch(/Default: `3600`\.$/);
    expect(schemas.CreateStage.required).toEqual(["title"]);
    // The server still fills them in.
    expect(CreateStageSchema.parse({ title: "t" })).toMatchObject({ allowAnonymous: false });
    expect(IssueViewerTokenSchema.parse({ viewerId: "v" })).toMatchObject({ ttlSec: 3600 });
  });

  it("names its servers and their variables briefly, since generators make identifiers of them", () => {
    const servers = (buildOpenApiDocument() as Json).servers as Json[];
    for (const server of servers) {
      // oazapfts: `servers.yourDeployment({ host })`, a camel-cased description.
      expect(server.description).toMatch(/^[A-Za-z]+(?: [A-Za-z]+){0,2}$/);
      for (const name of Object.keys(server.variables ?? {})) expect(name).toMatch(/^[a-z]{1,8}$/);
    }
  });

  it("is served by the worker at /openapi.json, with a readable reference at /docs", async () => {
    const app = createApp();
    const served = await app.request("/openapi.json");
    expect(served.status).toBe(200);
    expect(await served.json()).toEqual(buildOpenApiDocument());
    const docs = await app.request("/docs");
    expect(docs.headers.get("content-type")).toContain("text/html");
    const html = await docs.text();
    for (const operationId of OPERATION_IDS) expect(html).toContain(`id="${operationId}"`);
    expect(html).not.toMatch(/<script/i);
  });
});
