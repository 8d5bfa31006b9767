/**
 * The V8 heap of a Worker's isolate under `wrangler dev`, read through its inspector (the port
 * test/stack/wrangler-dev.ts opens): `HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage`,
 * so a sample is what the isolate still holds, not garbage it has not collected yet.
 *
 * workerd runs the collection V8 schedules for `collectGarbage` (and answers it) only when the
 * isolate next runs something: an idle isolate never answers (seen here: `getHeapUsage` sent
 * after it is answered first, the collection's answer comes with the next request). So while a
 * collection is unanswered the caller's `wake` sends the Worker a request (one that touches no
 * store: a 404).
 */
import WebSocket from "ws";

export interface HeapUsage {
  /** Bytes of live objects after a full collection. */
  usedBytes: number;
  /** Bytes V8 has reserved for the heap. */
  totalBytes: number;
}

export interface IsolateInspector {
  /** Reads the heap as it is. */
  heapUsage(): Promise<HeapUsage>;
  /** Forces a full collection, then reads the heap. */
  heapAfterGc(): Promise<HeapUsage>;
  close(): void;
}

/**
 * Longest an inspector call may take, in ms: a full collection of a heap of 100 MB takes well
 * under a second, even on a busy machine. wrangler's inspector proxy drops a call in flight
 * when it reconnects to the runtime (it does on each "Connection status updated", when its dev
 * registry changes), so a call without an answer is sent again, up to CALL_ATTEMPTS times.
 */
const CALL_TIMEOUT_MS = 15_000;
const CALL_ATTEMPTS = 4;
/** Pause between two wake-up requests while a collection is unanswered, in ms. */
const WAKE_PAUSE_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Connects to the Worker's isolate (the first target the inspector lists). */
export async function openIsolateInspector(
  inspectorUrl: string,
  /** Makes the isolate run something (a request to the Worker). */
  wake: () => Promise<void>,
): Promise<IsolateInspector> {
  const response = await fetch(`${inspectorUrl}/json`, { signal: AbortSignal.timeout(10_000) });
  const targets = (await response.json()) as { webSocketDebuggerUrl?: string }[];
  const address = targets.find((target) => target.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (address === undefined) throw new Error(`no isolate listed at ${inspectorUrl}/json`);
  // wrangler's inspector proxy refuses a socket without a local Origin.
  const socket = new WebSocket(address, { origin: "http://localhost" });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", (error) => reject(new Error(`cannot open ${address}: ${error.message}`)));
  });
  let nextId = 1;
  const waiting = new Map<
    number,
    { resolve: (result: unknown) => void; reject: (e: Error) => void }
  >();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    if (message.id === undefined) return; // an event: none is enabled, so none is expected
    const caller = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error) caller?.reject(new Error(`inspector: ${message.error.message}`));
    else caller?.resolve(message.result);
  });
  socket.on("close", () => {
    for (const caller of waiting.values()) caller.reject(new Error("the inspector closed"));
    waiting.clear();
  });
  const call = (method: string) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      // A reloaded isolate never answers: fail the sample rather than hang the bench.
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`inspector: no answer to ${method} in ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      waiting.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      socket.send(JSON.stringify({ id, method }));
    });
  /** `read`, sent again while its calls go unanswered (see CALL_TIMEOUT_MS). */
  const again = async <T>(read: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        if (attempt >= CALL_ATTEMPTS || socket.readyState !== WebSocket.OPEN) throw error;
      }
    }
  };
  const readUsage = async (): Promise<HeapUsage> => {
    const usage = (await call("Runtime.getHeapUsage")) as { usedSize: number; totalSize: number };
    return { usedBytes: usage.usedSize, totalBytes: usage.totalSize };
  };
  const collect = async (): Promise<void> => {
    const collected = call("HeapProfiler.collectGarbage");
    let answered = false;
    const settled = collected.then(
      () => {
        answered = true;
      },
      () => {
        answered = true;
      },
    );
    while (!answered) {
      await wake().catch(() => undefined);
      await Promise.race([settled, sleep(WAKE_PAUSE_MS)]);
    }
    await collected;
  };
  return {
    heapUsage: () => again(readUsage),
    heapAfterGc: () =>
      again(async () => {
        await collect();
        return readUsage();
      }),
    close: () => socket.close(),
  };
}

export interface HeapSamples {
  count: number;
  /** Largest heap read just before a forced collection (what V8 held, garbage included). */
  peakBeforeGc: HeapUsage;
  /** Largest heap read after one (what the isolate still holds): absent without `collect`. */
  peakAfterGc?: HeapUsage;
  /** The first sample, after a collection with `collect` (before the work, when taken then). */
  first: HeapUsage;
}

const larger = (a: HeapUsage | undefined, b: HeapUsage): HeapUsage => ({
  usedBytes: Math.max(a?.usedBytes ?? 0, b.usedBytes),
  totalBytes: Math.max(a?.totalBytes ?? 0, b.totalBytes),
});

/**
 * Samples the isolate's heap one sample after another, `pauseMs` apart, until `stop()`, which
 * takes a last one and returns the peaks. With `collect`, each sample reads the heap, forces a
 * full collection, and reads it again; without, it only reads it (V8 collects when it will).
 */
export function sampleHeap(
  inspector: IsolateInspector,
  options: { pauseMs: number; collect: boolean },
) {
  let stopped = false;
  let count = 0;
  let first: HeapUsage | undefined;
  let peakBeforeGc: HeapUsage | undefined;
  let peakAfterGc: HeapUsage | undefined;
  const take = async () => {
    const before = await inspector.heapUsage();
    peakBeforeGc = larger(peakBeforeGc, before);
    const after = options.collect ? await inspector.heapAfterGc() : undefined;
    if (after) peakAfterGc = larger(peakAfterGc, after);
    first ??= after ?? before;
    count++;
  };
  const loop = (async () => {
    while (!stopped) {
      await take();
      if (!stopped) await sleep(options.pauseMs);
    }
  })();
  return {
    async stop(): Promise<HeapSamples> {
      stopped = true;
      await loop;
      await take();
      return {
        count,
        peakBeforeGc: peakBeforeGc!,
        ...(peakAfterGc ? { peakAfterGc } : {}),
        first: first!,
      };
    },
  };
}
