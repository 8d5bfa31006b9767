import type { DurableObjectStorage } from "../worker-types";

/** The storage key the changes are saved under. */
const KEY = "changes";

interface SavedChanges {
  leaving: string[];
  playing: string[];
}

/**
 * What a presence shard still has to write to Redis besides its sockets: viewers who left
 * (their present bits to clear) and viewers who started playing (their watched bit in the
 * slot already written), since its last flush.
 *
 * Held in memory and saved in ONE storage write when the shard may hibernate before its next
 * alarm (edge/presence-shard.ts), and with each flush, not one per leave: Cloudflare bills each
 * storage write as a row written ($1.00 a million beyond 50 million a month), so a write per
 * viewer session would grow with the audience's churn. What that leaves at risk: an object
 * evicted (a deploy, a crash) before its next flush, at most one SOCKET_FLUSH_GAP_SEC away,
 * forgets the leaves not yet written; those viewers stay counted in Redis until their presence
 * TTL ends (no watch time is added: their bits are not written again).
 */
export class ShardChanges {
  readonly #storage: DurableObjectStorage;
  readonly #leaving: Set<string>;
  readonly #playing: Set<string>;
  #dirty = false;

  private constructor(storage: DurableObjectStorage, saved: SavedChanges | undefined) {
    this.#storage = storage;
    this.#leaving = new Set(saved?.leaving);
    this.#playing = new Set(saved?.playing);
  }

  static async load(storage: DurableObjectStorage): Promise<ShardChanges> {
    return new ShardChanges(storage, await storage.get<SavedChanges>(KEY));
  }

  get leaving(): ReadonlySet<string> {
    return this.#leaving;
  }

  get playing(): ReadonlySet<string> {
    return this.#playing;
  }

  /** The viewer's last socket here closed. */
  leave(viewerId: string): void {
    this.#playing.delete(viewerId);
    if (this.#leaving.has(viewerId)) return;
    this.#leaving.add(viewerId);
    this.#dirty = true;
  }

  /** The viewer opened a socket again before its leave was written: nothing to clear. */
  rejoin(viewerId: string): void {
    if (this.#leaving.delete(viewerId)) this.#dirty = true;
  }

  /** The viewer started playing: its watched bit is owed to the slot already written. */
  play(viewerId: string): void {
    if (this.#playing.has(viewerId)) return;
    this.#playing.add(viewerId);
    this.#dirty = true;
  }

  /** A flush wrote these leaves and these viewers' bits. */
  written(leaves: Iterable<string>, viewers: Iterable<string>): void {
    for (const id of leaves) this.#dirty = this.#leaving.delete(id) || this.#dirty;
    for (const id of viewers) this.#dirty = this.#playing.delete(id) || this.#dirty;
  }

  /** Saves what changed since the last save (one row written), or nothing. */
  async save(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    await this.#storage.put(KEY, {
      leaving: [...this.#leaving],
      playing: [...this.#playing],
    } satisfies SavedChanges);
  }
}
