/**
 * A front end's page script as the README and docs/api.md show it, built in a throwaway project outside the
 * repository against the installed @viewer-presence/client tarball (pack-install.test.ts).
 * The stage, the API and the token (signed by the throwaway backend) come in the query string.
 */
import { type Heartbeat, startHeartbeatLoop } from "@viewer-presence/client";

const query = new URLSearchParams(location.search);
const beats: Heartbeat[] = [];
(window as unknown as { beats: Heartbeat[] }).beats = beats;

startHeartbeatLoop({
  baseUrl: query.get("api") ?? "",
  stageId: query.get("stage") ?? "",
  token: query.get("token") ?? "",
  onUpdate: (beat) => {
    beats.push(beat);
    const counter = document.getElementById("viewers");
    if (counter) counter.textContent = String(beat.viewers);
  },
});
