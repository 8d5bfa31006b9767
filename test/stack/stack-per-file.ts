import { afterAll, beforeAll } from "vitest";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "./index";

/**
 * A local stack of the test file's own (for tests that count its commands, or need several
 * databases), started before the file's tests and stopped after them. Returns the stack, for
 * tests and hooks to call once it has started.
 */
export function localStackPerFile(options: LocalStackOptions = {}): () => LocalStack {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    stack = await startLocalStack(options);
  });
  afterAll(() => stack?.stop());
  return () => {
    if (stack === undefined) throw new Error("the file's local stack has not started");
    return stack;
  };
}
