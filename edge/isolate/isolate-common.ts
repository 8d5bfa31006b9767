import { createScriptDigests } from "@viewer-presence/shared/pipeline-scripts";
import { createTicketSigner } from "@viewer-presence/shared/presence-ticket";
import { createViewerTokenVerifier } from "@viewer-presence/tokens";
import { createFallbackSessionLimiter } from "../presence/anonymous-sessions";
import { RateLimiter } from "../presence/rate-limiter";

/**
 * What one Worker isolate keeps whatever the database: key material, limiters, script digests.
 * One per app; every database's {@link createIsolateState} shares it.
 */
export function createIsolateCommon() {
  const verifiers = new Map<string, ReturnType<typeof createViewerTokenVerifier>>();
  const signers = new Map<string, ReturnType<typeof createTicketSigner>>();
  return {
    heartbeatLimiter: new RateLimiter(),
    /** Anonymous sessions per client where the Rate Limiting binding is absent (not Workers). */
    sessionLimiter: createFallbackSessionLimiter(),
    /** EVALSHA digests of the scripts this isolate sends, computed once each. */
    scriptSha1: createScriptDigests(),
    /** One ticket signer (holding the imported key) per secret. */
    ticketSignerFor(secret: string) {
      let signer = signers.get(secret);
      if (signer === undefined) {
        signer = createTicketSigner(secret);
        signers.set(secret, signer);
      }
      return signer;
    },
    /** One verifier (holding the imported keys) per set of accepted secrets, current first. */
    verifierFor(secrets: readonly string[]) {
      const id = secrets.join("\n");
      let verify = verifiers.get(id);
      if (verify === undefined) {
        verify = createViewerTokenVerifier(secrets);
        verifiers.set(id, verify);
      }
      return verify;
    },
  };
}

export type IsolateCommon = ReturnType<typeof createIsolateCommon>;
