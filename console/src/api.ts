import { createPresenceClient, type PresenceClient } from "@viewer-presence/client";
import type { Role } from "./session-key";

/**
 * The typed client for this origin, sending the operator's key on the operations that take
 * one (the client's admin-key middleware) and on nothing else.
 */
export function consoleClient(key: string): PresenceClient {
  return createPresenceClient({ baseUrl: location.origin, adminKey: key });
}

/** A problem the API answered (problem+json), or a failed request (status 0). */
export class ApiProblem extends Error {
  override readonly name = "ApiProblem";
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`${title}${detail ? `: ${detail}` : ""}`);
  }
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of an answer, or an {@link ApiProblem} thrown with what the server said. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (error) {
    throw new ApiProblem(0, "The API could not be reached", String(error));
  }
  if (answer.response.ok && answer.data !== undefined) return answer.data;
  const problem = (answer.error ?? {}) as { title?: unknown; detail?: unknown };
  throw new ApiProblem(
    answer.response.status,
    typeof problem.title === "string" ? problem.title : `HTTP ${answer.response.status}`,
    typeof problem.detail === "string" ? problem.detail : "",
  );
}

/** A stage id no stage may have (ids are letters, digits, `-` and `_`): used to test a key. */
const PROBE_STAGE = "console-key-check";

/**
 * What a key may do: `admin` when it may list stages (the admin key), `analytics` when it may
 * read history (the analytics key), or an {@link ApiProblem} (401 for a key of neither).
 */
export async function roleOfKey(key: string): Promise<Role> {
  const client = consoleClient(key);
  try {
    await unwrap(client.GET("/v1/stages", { params: { query: { limit: 1 } } }));
    return "admin";
  } catch (error) {
    if (!(error instanceof ApiProblem) || error.status !== 401) throw error;
  }
  const history = await client.GET("/v1/stages/{stageId}/viewing-records", {
    params: { path: { stageId: PROBE_STAGE }, query: { limit: 50 } },
  });
  if (history.response.status === 401) {
    throw new ApiProblem(
      401,
      "This key was refused",
      "It is neither the admin key nor the analytics key of this deployment.",
    );
  }
  // The probe stage does not exist: 404 (or 200, should someone create it) means the key was
  // accepted, since the key is checked before the stage is looked up.
  if (history.response.status === 404 || history.response.ok) return "analytics";
  await unwrap(Promise.resolve(history));
  throw new ApiProblem(history.response.status, "Unexpected answer", "");
}

/** A readable line for any failure. */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiProblem) {
    if (error.status === 401) {
      return `The key was refused (401): ${error.detail || error.title}. Sign out and enter a valid key.`;
    }
    return error.status === 0
      ? `${error.title}: ${error.detail}`
      : `${error.title} (${error.status})${error.detail ? `: ${error.detail}` : ""}`;
  }
  return error instanceof Error ? error.message : String(error);
}
