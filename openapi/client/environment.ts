/**
 * The few host objects the heartbeat loop uses, narrowed to the calls it makes, so that tests
 * (and non-browser hosts) pass their own. The real `window`, `document` and `navigator` fit.
 */

/** `setTimeout`/`clearTimeout`; handles are opaque (numbers in browsers, objects in Node). */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The part of `document` that tells whether the page is visible. */
export interface VisibilityDocument {
  readonly visibilityState: string;
  addEventListener(type: "visibilitychange", listener: () => void): void;
  removeEventListener(type: "visibilitychange", listener: () => void): void;
}

/** What `pagehide`/`pageshow` carry: `persisted` is true when the page enters or leaves the back/forward cache. */
export interface PageTransition {
  readonly persisted?: boolean;
}

/** The part of `window` that announces the page going away (`pagehide`) and coming back (`pageshow`). */
export interface PageLifecycleWindow {
  addEventListener(type: "pagehide" | "pageshow", listener: (event: PageTransition) => void): void;
  removeEventListener(
    type: "pagehide" | "pageshow",
    listener: (event: PageTransition) => void,
  ): void;
}

/** The part of `navigator` that queues a request that outlives the page. */
export interface BeaconNavigator {
  sendBeacon?(url: string, data: string): boolean;
}

/** Host objects as the caller gave them: `undefined` means "the global one", `null` means "none". */
export interface HostOptions {
  timers?: Timers | undefined;
  now?: (() => number) | undefined;
  random?: (() => number) | undefined;
  document?: VisibilityDocument | null | undefined;
  window?: PageLifecycleWindow | null | undefined;
  navigator?: BeaconNavigator | null | undefined;
}

/** Host objects resolved: globals read once, when the loop starts (never at import). */
export interface Host {
  timers: Timers;
  now: () => number;
  random: () => number;
  document: VisibilityDocument | undefined;
  window: PageLifecycleWindow | undefined;
  navigator: BeaconNavigator | undefined;
}

/** Fills what the caller left out with the runtime's globals, where the runtime has them. */
export function resolveHost(options: HostOptions): Host {
  const globals = globalThis as {
    document?: VisibilityDocument;
    window?: PageLifecycleWindow;
    navigator?: BeaconNavigator;
  };
  return {
    timers: options.timers ?? globalTimers(),
    now: options.now ?? (() => Date.now()),
    random: options.random ?? (() => Math.random()),
    document: pick(options.document, globals.document),
    window: pick(options.window, globals.window),
    navigator: pick(options.navigator, globals.navigator),
  };
}

function pick<T>(given: T | null | undefined, global: T | undefined): T | undefined {
  if (given === null) return undefined;
  return given ?? global;
}

function globalTimers(): Timers {
  return {
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
  };
}
