import { describe, expect, it } from "vitest";
import { corsMethods } from "./cors-policy";
import type { OperatorRole, PathOperation } from "./route-roles";

const op = (method: string, role?: OperatorRole): PathOperation => ({
  method,
  path: /^\/x$/,
  role,
});
const CONSOLE = "https://console.example";
const anyAndConsole = { corsOrigins: ["*", CONSOLE], publicViewerTotals: true };

describe("corsMethods", () => {
  it("opens a public read beside an admin PATCH to strangers, without the PATCH", () => {
    const path = [op("GET"), op("HEAD"), op("PATCH", "admin")];
    expect(corsMethods(path, "https://evil.example", anyAndConsole)).toEqual(["GET", "HEAD"]);
    expect(corsMethods(path, CONSOLE, anyAndConsole)).toEqual(["GET", "HEAD", "PATCH"]);
  });

  it("closes a path to strangers when an operator operation there needs no preflight of its own", () => {
    // A cached grant of `Authorization` for the public POST would let the admin GET through.
    const path = [op("GET", "reader"), op("HEAD", "reader"), op("POST")];
    expect(corsMethods(path, "https://evil.example", anyAndConsole)).toEqual([]);
    expect(corsMethods(path, CONSOLE, anyAndConsole)).toEqual(["GET", "HEAD", "POST"]);
  });

  it("grants nothing on a path without operations, to an unlisted origin, or to the origin `*`", () => {
    expect(corsMethods([], CONSOLE, anyAndConsole)).toEqual([]);
    const viewer = [op("POST")];
    const listedOnly = { corsOrigins: [CONSOLE], publicViewerTotals: true };
    expect(corsMethods(viewer, "https://evil.example", listedOnly)).toEqual([]);
    expect(corsMethods([op("PATCH", "admin")], "*", anyAndConsole)).toEqual([]);
  });

  it("treats totals as an operator read when PUBLIC_VIEWER_TOTALS is off", () => {
    const totals = [op("GET", "reader-unless-public"), op("HEAD", "reader-unless-public")];
    expect(corsMethods(totals, "https://evil.example", anyAndConsole)).toEqual(["GET", "HEAD"]);
    const privateTotals = { ...anyAndConsole, publicViewerTotals: false };
    expect(corsMethods(totals, "https://evil.example", privateTotals)).toEqual([]);
    expect(corsMethods(totals, CONSOLE, privateTotals)).toEqual(["GET", "HEAD"]);
  });
});
