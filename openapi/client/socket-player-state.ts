import { type PlayerMedia, type PlayerState, playerStateOf } from "./heartbeat-loop-options";
import type { SocketConnection } from "./socket-connection";

/** A media element's events, when it has them (an `HTMLMediaElement` does). */
interface MediaEventTarget {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** The events after which `playerStateOf` may read differently. */
const STATE_EVENTS = ["play", "playing", "pause", "waiting", "canplay", "ended", "emptied"];

/**
 * Sends a `state` message on the open socket each time the player's state (as the heartbeat loop
 * reads it: `playerStateOf`) differs from the one the server last heard: `opened` is the state
 * the socket opened with (its `state` query), which is checked again at once. It listens to the
 * media element's events; an object without `addEventListener` is read only now. Returns the
 * function that stops listening.
 */
export function followPlayerState(
  media: PlayerMedia,
  connection: SocketConnection,
  opened: PlayerState,
): () => void {
  let sent = opened;
  const check = (): void => {
    const state = playerStateOf(media);
    if (state !== sent && connection.send({ type: "state", state })) sent = state;
  };
  check();
  const target = hasEvents(media) ? media : undefined;
  for (const type of STATE_EVENTS) target?.addEventListener(type, check);
  return () => {
    for (const type of STATE_EVENTS) target?.removeEventListener(type, check);
  };
}

function hasEvents(media: PlayerMedia): media is PlayerMedia & MediaEventTarget {
  const candidate = media as Partial<MediaEventTarget>;
  return (
    typeof candidate.addEventListener === "function" &&
    typeof candidate.removeEventListener === "function"
  );
}
