import type { ZodError } from "zod";
import type { ProblemField } from "./problems";

/** Turns a zod error into the problem's `errors`: one entry per offending field. */
export function validationErrors(error: ZodError, source: string): ProblemField[] {
  return error.issues.map((issue) => ({
    path: [source, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}
