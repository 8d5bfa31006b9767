import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "./csv-row";

describe("csvCell", () => {
  it("prefixes and quotes every formula starter OWASP names", () => {
    expect(csvCell("=1+1")).toBe(`"'=1+1"`);
    expect(csvCell("+1")).toBe(`"'+1"`);
    expect(csvCell("-2-3")).toBe(`"'-2-3"`);
    expect(csvCell("@SUM(A1)")).toBe(`"'@SUM(A1)"`);
    expect(csvCell("\t=cmd")).toBe(`"'\t=cmd"`);
    expect(csvCell("\r=cmd")).toBe(`"'\r=cmd"`);
    expect(csvCell(`=HYPERLINK("x")`)).toBe(`"'=HYPERLINK(""x"")"`);
  });

  it("quotes commas, quotes and line breaks, and leaves other values as they are", () => {
    expect(csvCell("a,b")).toBe(`"a,b"`);
    expect(csvCell(`say "hi"`)).toBe(`"say ""hi"""`);
    expect(csvCell("two\nlines")).toBe(`"two\nlines"`);
    expect(csvCell("viewer-00")).toBe("viewer-00");
    expect(csvCell("2026-11-27T12:00:00.000Z")).toBe("2026-11-27T12:00:00.000Z");
    expect(csvCell(300)).toBe("300");
    expect(csvCell("")).toBe("");
  });

  it("writes a row with a newline at its end", () => {
    expect(csvRow(["-s1", "v1", 300])).toBe(`"'-s1",v1,300\n`);
  });
});
