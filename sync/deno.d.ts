/**
 * The few Deno APIs sync/deno-entry.ts uses, declared so the project's `tsc` (which knows Node,
 * not Deno) type-checks it. Deno never reads this file: nothing imports it, and Deno has its own.
 */
declare namespace Deno {
  const args: string[];
  const env: { toObject(): Record<string, string> };
  function exit(code?: number): never;
  function readTextFileSync(path: string | URL): string;
  const permissions: {
    querySync(descriptor: { name: "read"; path: string }): {
      state: "granted" | "denied" | "prompt";
    };
  };
  /** Undefined outside Deno Deploy unless Deno runs with `--unstable-cron`. */
  const cron:
    | ((name: string, schedule: string, handler: () => Promise<void> | void) => Promise<void>)
    | undefined;
}
