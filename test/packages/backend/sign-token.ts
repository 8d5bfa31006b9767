/**
 * A throwaway backend that issues a viewer token with the installed @viewer-presence/tokens
 * tarball (pack-install.test.ts runs it outside the repository, with Node and with Deno):
 * `node sign-token.ts <stageId> <viewerId>` with VIEWER_TOKEN_SECRET set, prints the token.
 */
import { signViewerToken } from "@viewer-presence/tokens";

const [stageId = "", viewerId = ""] = process.argv.slice(2);
const { token } = await signViewerToken({
  secret: process.env.VIEWER_TOKEN_SECRET ?? "",
  stageId,
  viewerId,
  ttlSec: 600,
});
process.stdout.write(token);
