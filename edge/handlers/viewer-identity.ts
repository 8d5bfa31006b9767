import { isAnonymousViewerId, ViewerTokenError } from "@viewer-presence/tokens";
import type { Context } from "hono";
import { ViewerBodySchema } from "../../openapi/schemas/presence";
import { problems } from "../problems";
import { validationErrors } from "../validation";

export interface ViewerIdentity {
  viewerId: string;
  anonymous: boolean;
}

/**
 * A viewer token checked against the stage, as every viewer route checks it (a heartbeat's, a
 * presence socket's): 403 for another stage's token, 401 for any other fault. An anonymous
 * session's token names an anonymous viewer.
 */
export async function verifyViewerToken(
  verify: (
    token: string,
    expect: { stageId: string; nowMs: number },
  ) => Promise<{ viewerId: string; expiresAt: number }>,
  token: string,
  stageId: string,
  nowMs: number,
): Promise<ViewerIdentity & { expiresAtMs: number }> {
  try {
    const claims = await verify(token, { stageId, nowMs });
    return {
      viewerId: claims.viewerId,
      anonymous: isAnonymousViewerId(claims.viewerId),
      expiresAtMs: claims.expiresAt * 1000,
    };
  } catch (error) {
    if (!(error instanceof ViewerTokenError)) throw error;
    if (error.code === "wrong_stage")
      throw problems.forbidden(`The viewer token is for another stage than "${stageId}".`);
    throw problems.unauthorized(`The viewer token is not accepted: ${error.message}.`);
  }
}

/**
 * Reads the optional viewer body, whether it came as `application/json` or as the `text/plain`
 * JSON that `navigator.sendBeacon` sends; an empty body is allowed.
 */
export async function readViewerBody(c: Context) {
  const contentType = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
  const text = await c.req.text();
  if (text.trim() === "") return {};
  if (
    contentType !== undefined &&
    contentType !== "application/json" &&
    contentType !== "text/plain"
  ) {
    throw problems.unsupportedMediaType(contentType);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw problems.validation([{ path: "body", message: "The body is not valid JSON" }]);
  }
  const parsed = ViewerBodySchema.safeParse(json);
  if (!parsed.success) throw problems.validation(validationErrors(parsed.error, "body"));
  return parsed.data;
}

/**
 * Who is sending: a viewer token from `Authorization: Bearer` or the body, checked against the
 * stage. An anonymous session's token names an anonymous viewer (whether the stage allows
 * those is the caller's check).
 */
export async function resolveViewer(
  c: Context,
  verify: (
    token: string,
    expect: { stageId: string; nowMs: number },
  ) => Promise<{ viewerId: string; expiresAt: number }>,
  stageId: string,
  nowMs: number,
): Promise<ViewerIdentity> {
  const body = await readViewerBody(c);
  const header = c.req.header("authorization");
  let token = body.token;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw problems.unauthorized("The Authorization header must be `Bearer <viewer token>`.");
    token = match[1];
  }
  if (token !== undefined) {
    const { viewerId, anonymous } = await verifyViewerToken(verify, token, stageId, nowMs);
    return { viewerId, anonymous };
  }
  throw problems.unauthorized(
    "A viewer token is required (Authorization: Bearer, or `token` in the body); on stages that allow anonymous viewers, start an anonymous session for one.",
  );
}
