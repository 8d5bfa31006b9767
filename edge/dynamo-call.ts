import { isConditionFailure } from "@viewer-presence/shared/dynamo-items";
import { HttpProblem, StoreUnavailableError } from "./problems";

/**
 * Runs a DynamoDB call and sorts its failures: a request DynamoDB refused as invalid
 * (`ValidationException`) will be refused again, so it is a 400 the client must not retry; a
 * failed condition is the caller's to interpret; anything else (network, throttling, a deadline)
 * is a 503 the client may retry.
 */
export async function dynamoCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isConditionFailure(error)) throw error;
    if (error instanceof Error && error.name === "ValidationException") {
      throw new HttpProblem(
        400,
        "validation",
        "Invalid request",
        "The store refused the request as invalid; it will not succeed if retried.",
        { errors: [{ path: "query", message: "The request's range or cursor is not valid" }] },
      );
    }
    throw new StoreUnavailableError("dynamodb", { cause: error });
  }
}
