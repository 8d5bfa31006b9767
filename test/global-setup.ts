import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import type { LocalStackEnv } from "./stack";

declare module "vitest" {
  export interface ProvidedContext {
    /** The local stack's variables (Upstash URL and token, DynamoDB endpoint and table). */
    stackEnv: LocalStackEnv;
  }
}

/**
 * Starts one local stack for a test project, in a child process (test/stack/serve.ts) so that it
 * runs under plain Node; tests isolate themselves by key prefix and ids.
 */
export default async function setup(project: TestProject) {
  const serve = fileURLToPath(new URL("./stack/serve.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", serve], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const env = await new Promise<LocalStackEnv>((resolve, reject) => {
    let output = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      output += chunk;
      const line = output.split("\n")[0];
      if (output.includes("\n") && line !== undefined) resolve(JSON.parse(line) as LocalStackEnv);
    });
    child.once("exit", (code) =>
      reject(new Error(`the local stack exited (code ${code}) before it started`)),
    );
    child.once("error", reject);
  });
  project.provide("stackEnv", env);
  return () =>
    new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.stdin.end();
    });
}
