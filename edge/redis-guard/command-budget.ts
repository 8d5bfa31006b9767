/**
 * A token bucket of `commandsPerSec` tokens, refilled continuously (one second's worth at
 * most, so an idle isolate may burst one second of the rate); without a rate, always true. A
 * call that costs more than the bucket holds (a platform total over many stages, under a small
 * budget) goes when the bucket is full and leaves it in debt, which the refill repays before
 * anything else goes: it could never go otherwise, and the rate over time still holds.
 */
export function commandBudget(commandsPerSec: number | undefined) {
  let tokens = commandsPerSec ?? 0;
  let atMs: number | undefined;
  return {
    take(commands: number, nowMs: number): boolean {
      if (commandsPerSec === undefined) return true;
      tokens = Math.min(
        commandsPerSec,
        // A clock that stepped back refills nothing (and takes nothing).
        tokens + (Math.max(0, nowMs - (atMs ?? nowMs)) * commandsPerSec) / 1000,
      );
      atMs = Math.max(atMs ?? nowMs, nowMs);
      if (tokens < Math.min(commands, commandsPerSec)) return false;
      tokens -= commands;
      return true;
    },
  };
}
