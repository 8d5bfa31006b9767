/**
 * @viewer-presence/tokens: what a backend needs to let its viewers be counted. It signs viewer
 * tokens (and can verify them), and names the identifier rules those tokens must follow.
 */
export {
  ANONYMOUS_VIEWER_ID_PATTERN,
  isAnonymousViewerId,
  RECORDED_VIEWER_ID_PATTERN,
  randomAnonymousViewerId,
  STAGE_ID_PATTERN,
  VIEWER_ID_PATTERN,
} from "./ids";
export {
  createViewerTokenVerifier,
  MAX_VIEWER_TOKEN_TTL_SEC,
  signViewerToken,
  type ViewerClaims,
  ViewerTokenError,
  type ViewerTokenProblem,
  viewerTokenKeyId,
} from "./viewer-token";
