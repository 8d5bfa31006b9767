import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../../openapi/document";
import type { Json } from "./markup";
import {
  clientSample,
  clientSetup,
  curlSample,
  documentOperations,
  quickStart,
  type SampleContext,
} from "./samples";

const document = buildOpenApiDocument() as Json;
const context: SampleContext = {
  origin: "http://127.0.0.1:8787",
  schemas: (document.components as Json).schemas as Record<string, Json>,
};
const operations = documentOperations(document);
const byId = (id: string) => operations.find(({ operation }) => operation.operationId === id)!;
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Type errors of a TypeScript module placed at the project's root, under its tsconfig. */
function typeErrors(source: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    `${ROOT}tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  )!;
  const file = `${ROOT}edge/docs/__docs-samples__.ts`;
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, language, ...rest) =>
    name === file
      ? ts.createSourceFile(name, source, language)
      : getSourceFile.call(host, name, language, ...rest);
  const fileExists = host.fileExists;
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  const program = ts.createProgram([file], config.options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(file))
    .map(
      (d) =>
        `${d.start === undefined ? "" : `${d.file?.getLineAndCharacterOfPosition(d.start).line}: `}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
    );
}

describe("the /docs page's samples", () => {
  it("curl: the page's origin, the path with its examples, the credential from a shell variable, the body", () => {
    expect(curlSample(byId("createStage"), context)).toBe(
      `curl -s -X POST 'http://127.0.0.1:8787/v1/stages' \\
  -H "authorization: Bearer $ADMIN_API_KEY" \\
  -H 'content-type: application/json' \\
  -d '{"id":"concert-42","title":"Friday night concert"}'`,
    );
    expect(curlSample(byId("getStageViewers"), context)).toBe(
      "curl -s 'http://127.0.0.1:8787/v1/stages/concert-42/viewers'",
    );
    expect(curlSample(byId("sendHeartbeat"), context)).toBe(
      `curl -s -X POST 'http://127.0.0.1:8787/v1/stages/concert-42/heartbeats' \\
  -H "authorization: Bearer $VIEWER_TOKEN"`,
    );
    // A required query parameter is sent; optional ones are left to their defaults.
    expect(curlSample(byId("estimateCost"), context)).toBe(
      "curl -s 'http://127.0.0.1:8787/v1/cost-estimates?viewers=10000'",
    );
    // Read with either key: the admin key, which a newcomer has.
    expect(curlSample(byId("listViewingRecords"), context)).toContain("$ADMIN_API_KEY");
  });

  it("the typed client: every operation's call type-checks against @viewer-presence/client", () => {
    // Each call in a block of its own, after the setup the page shows once.
    const source = [
      clientSetup(context),
      ...operations.map((entry) => `{\n${clientSample(entry, context)}\n}`),
    ].join("\n");
    expect(typeErrors(source)).toEqual([]);
    // The check can fail: a path the contract does not have is an error.
    expect(
      typeErrors(`${clientSetup(context)}\nawait client.GET("/v1/no-such-path");`),
    ).not.toEqual([]);
  }, 60_000);

  it("the quick start: a stage, a viewer token read from the answer, a heartbeat, the count", () => {
    const lines = quickStart(operations, context)!;
    expect(lines).toContain(
      `VIEWER_TOKEN=$(curl -s -X POST 'http://127.0.0.1:8787/v1/stages/concert-42/viewer-tokens'`,
    );
    expect(lines).toContain(`-d '{"viewerId":"user-1234"}' | node -pe`);
    expect(
      lines
        .split("\n")
        .filter((line) => line.startsWith("curl") || line.startsWith("VIEWER_TOKEN")),
    ).toHaveLength(4);
  });
});
