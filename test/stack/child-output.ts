import type { ChildProcess } from "node:child_process";
import { stripVTControlCharacters } from "node:util";

/**
 * Keeps the last `maxLines` non-empty lines a child prints (stdout and stderr interleaved),
 * without terminal colour codes, for error messages; returns a function that reads them.
 */
export function captureOutput(child: ChildProcess, maxLines = 40): () => string {
  const lines: string[] = [];
  const onData = (chunk: Buffer) => {
    const text = stripVTControlCharacters(chunk.toString("utf8"));
    lines.push(...text.split("\n").filter((line) => line.trim() !== ""));
    if (lines.length > maxLines) lines.splice(0, lines.length - maxLines);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  return () => lines.join("\n");
}
