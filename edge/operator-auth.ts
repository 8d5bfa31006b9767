import type { Config } from "@viewer-presence/shared/config";
import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { timingSafeEqual } from "hono/utils/buffer";
import { problemResponse } from "./problems";
import { needsOperatorKey, type OperatorRole, operatorRoleOf } from "./route-roles";

type OperatorKeys = Pick<Config, "adminApiKey" | "analyticsApiKey" | "publicViewerTotals">;

/**
 * The operator routes' authentication, one middleware for every role the contract names
 * (route-roles.ts): hono's `bearerAuth`, with a `verifyToken` that compares the key given with
 * every key the role accepts, each in constant time, all of them whatever the first gives (no
 * timing tells which key came close). Its refusals are our problem+json 401s, with its
 * `WWW-Authenticate` challenge.
 * The role is the operation's that answers the request, whatever the method (route-roles.ts):
 * HEAD needs what GET needs, and a method an operator path does not have needs its strictest.
 * Viewer and public routes pass through: the viewer token is checked by the routes themselves,
 * which need the viewer's id from it.
 */
export function operatorAuth(configFor: (c: Context) => OperatorKeys): MiddlewareHandler {
  return async (c, next) => {
    const role = operatorRoleOf(c.req.method, c.req.path);
    if (role === undefined) return next();
    const config = configFor(c);
    if (!needsOperatorKey(role, config)) return next();
    const accepted = acceptedKeys(role, config);
    const named = accepted.length > 1 ? "ANALYTICS_API_KEY or ADMIN_API_KEY" : "ADMIN_API_KEY";
    return bearerAuth({
      verifyToken: async (token) => {
        const matches = await Promise.all(accepted.map((key) => timingSafeEqual(key, token)));
        return matches.includes(true);
      },
      noAuthenticationHeader: {
        message: (c) =>
          unauthorized(c, `This operation needs a key: \`Authorization: Bearer <${named}>\`.`),
      },
      invalidAuthenticationHeader: {
        // 401, not bearerAuth's 400: another scheme (`Basic ...`) is no credentials for us.
        message: (c) => unauthorized(c, `The Authorization header must be \`Bearer <${named}>\`.`),
      },
      invalidToken: {
        message: (c) => unauthorized(c, "The key is not valid for this operation."),
      },
    })(c, next);
  };
}

/** The keys a role accepts: the admin key always, the analytics key (if set) for reading. */
function acceptedKeys(role: OperatorRole, config: OperatorKeys): string[] {
  if (role === "admin" || config.analyticsApiKey === undefined) return [config.adminApiKey];
  return [config.analyticsApiKey, config.adminApiKey];
}

const unauthorized = (c: Context, detail: string) =>
  problemResponse(c, 401, "unauthorized", "Unauthorized", detail);
