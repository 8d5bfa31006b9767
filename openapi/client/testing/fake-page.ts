import type {
  BeaconNavigator,
  PageLifecycleWindow,
  PageTransition,
  VisibilityDocument,
} from "../environment";

/** A `document` whose visibility the test flips; it fires `visibilitychange` like a browser. */
export class FakeDocument implements VisibilityDocument {
  visibilityState = "visible";
  readonly listeners = new Set<() => void>();

  addEventListener(_type: "visibilitychange", listener: () => void): void {
    this.listeners.add(listener);
  }

  removeEventListener(_type: "visibilitychange", listener: () => void): void {
    this.listeners.delete(listener);
  }

  setVisibility(state: "visible" | "hidden"): void {
    this.visibilityState = state;
    for (const listener of this.listeners) listener();
  }
}

type PageEvent = "pagehide" | "pageshow";

/** A `window` that fires `pagehide`/`pageshow` on demand. */
export class FakeWindow implements PageLifecycleWindow {
  readonly listeners = new Map<PageEvent, Set<(event: PageTransition) => void>>();

  addEventListener(type: PageEvent, listener: (event: PageTransition) => void): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }

  removeEventListener(type: PageEvent, listener: (event: PageTransition) => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  fire(type: PageEvent, persisted = true): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ persisted });
  }
}

/** A `navigator` whose `sendBeacon` records its calls and answers `accept`. */
export class FakeNavigator implements BeaconNavigator {
  readonly beacons: { url: string; data: string }[] = [];
  accept = true;

  sendBeacon(url: string, data: string): boolean {
    this.beacons.push({ url, data });
    return this.accept;
  }
}
