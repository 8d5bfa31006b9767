import type { TestProject } from "vitest/node";
import { type LocalStackEnv, startLocalStack } from "./stack";

declare module "vitest" {
  export interface ProvidedContext {
    /** The local stack's variables (Upstash URL and token, DynamoDB endpoint and table). */
    stackEnv: LocalStackEnv;
  }
}

/** Starts one local stack for a test project; tests isolate themselves by key prefix and ids. */
export default async function setup(project: TestProject) {
  const stack = await startLocalStack();
  project.provide("stackEnv", stack.env);
  return () => stack.stop();
}
