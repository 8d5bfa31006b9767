/**
 * Every relative link in the README and docs/ reaches a file, and every `#anchor` a heading of
 * it (GitHub's slugs), so moving a section cannot leave a link behind.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DOCS = [
  "README.md",
  "BENCHMARKS.md",
  "openapi/README.md",
  "shared/README.md",
  "tokens/README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

/** Text outside fenced code blocks. */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, "");

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .replaceAll("`", "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, "")
    .replaceAll(" ", "-");

function anchorsOf(file: string): Set<string> {
  const headings = prose(readFileSync(join(ROOT, file), "utf8")).match(/^#{1,6} .*$/gm) ?? [];
  return new Set(headings.map((line) => slug(line.replace(/^#+ /, ""))));
}

describe("links in the README and docs/", () => {
  it("reach a file, and a heading when they name one", () => {
    const broken: string[] = [];
    for (const doc of DOCS) {
      const text = prose(readFileSync(join(ROOT, doc), "utf8"));
      for (const match of text.matchAll(/\]\(([^)\s]+)\)|src="([^"]+)"/g)) {
        const link = (match[1] ?? match[2])!;
        if (/^(https?|mailto):/.test(link)) continue;
        const [path, anchor] = link.split("#") as [string, string | undefined];
        const target = path === "" ? doc : normalize(join(dirname(doc), path));
        if (!existsSync(join(ROOT, target))) broken.push(`${doc}: ${link} (no such file)`);
        else if (anchor && target.endsWith(".md") && !anchorsOf(target).has(anchor)) {
          broken.push(`${doc}: ${link} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
