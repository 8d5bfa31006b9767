import type { LoopProblem } from "./loop-problem";
import type { PresenceState, PresenceUpdate } from "./presence-options";

/**
 * What `startPresence` and `watchStage` remember for their `state`: the last count handed to
 * `onUpdate` and the last problem handed to `onError`, kept as they are passed on.
 */
export function presenceRecord(options: {
  onUpdate?: ((update: PresenceUpdate) => void) | undefined;
  onError?: ((problem: LoopProblem) => void) | undefined;
}) {
  let lastUpdate: PresenceUpdate | undefined;
  let lastProblem: LoopProblem | undefined;
  return {
    update(next: PresenceUpdate): void {
      lastUpdate = next;
      options.onUpdate?.(next);
    },
    report(problem: LoopProblem): void {
      lastProblem = problem;
      options.onError?.(problem);
    },
    state(status: PresenceState["status"], consecutiveFailures: number): PresenceState {
      return { status, lastUpdate, consecutiveFailures, lastProblem };
    },
  };
}
