import { getGlobalTokenMap } from './globalTokenMap';
import { normalizeEmail } from './normalizeEmail';
import { SessionTokenEntry } from './types';

/**
 * Limits of an {@link InProcessTokenStore}.
 * @public
 */
export interface InProcessTokenStoreOptions {
  /**
   * Most entries held at once; beyond it the least recently used go first (second-chance
   * approximation of LRU). Default 10000.
   */
  maxEntries?: number;
  /** How often expired entries are swept, in MILLISECONDS. Default 60000. 0 disables the timer. */
  sweepIntervalMs?: number;
  /** Clock in epoch MILLISECONDS, for tests. Default `Date.now`. */
  now?: () => number;
  /**
   * Keep the entries in the process-wide `globalThis.__SPECTROCLOUD_TOKEN_CACHE__` map that the
   * published spectrocloud-backend plugin reads (config `spectrocloud.tokenCache.legacyGlobalMap`).
   * Default `false`: a map private to this store, invisible to other code in the process.
   */
  legacyGlobalMap?: boolean;
}

/**
 * Default maximum number of cached session tokens in one process.
 * @public
 */
export const DEFAULT_MAX_ENTRIES = 10_000;
/**
 * Default sweep period of expired entries, in MILLISECONDS.
 * @public
 */
export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

/**
 * The in-process tier: session tokens by normalised email, bounded by a maximum entry count
 * (least recently used evicted first, by second chance: an entry read since it was set is moved
 * back once) and swept of expired entries on an unref'd timer. It is the compatibility view
 * behind the seed API and, with `legacyGlobalMap: true`, behind
 * `globalThis.__SPECTROCLOUD_TOKEN_CACHE__`: the session store keeps each email's entry equal to
 * the token of its newest live session on this process's view.
 *
 * @remarks
 * All methods are synchronous. Reading an expired entry removes it and returns `undefined`.
 * @public
 */
export class InProcessTokenStore {
  readonly #entries: Map<string, SessionTokenEntry>;
  /**
   * Keys read since they last reached the front of the map: a read only marks its key (a Set
   * insert), and eviction gives a marked entry a second chance by moving it to the back. Moving
   * an entry on every read (delete + set on a large Map) cost more than the read itself.
   */
  readonly #read = new Set<string>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** @throws RangeError when `maxEntries` is not a positive integer */
  constructor(options: InProcessTokenStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError('maxEntries must be a positive integer');
    }
    this.#maxEntries = maxEntries;
    this.#entries = options.legacyGlobalMap
      ? getGlobalTokenMap()
      : new Map<string, SessionTokenEntry>();
    this.#now = options.now ?? Date.now;
    const sweepIntervalMs =
      options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (sweepIntervalMs > 0) {
      this.#timer = setInterval(() => this.sweepExpired(), sweepIntervalMs);
      this.#timer.unref?.();
    }
  }

  /** The configured maximum entry count. */
  get maxEntries(): number {
    return this.#maxEntries;
  }

  /** How many session tokens are held now (expired ones not yet swept included). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Stores the token of `email` (normalised), with `expiresAt` in epoch SECONDS. A token already
   * expired is not stored (and any older entry is removed). Evicts least recently used entries
   * beyond `maxEntries`.
   * @throws TypeError on an empty email or token, or a non-finite `expiresAt`
   */
  set(email: string, token: string, expiresAt: number): void {
    const key = normalizeEmail(email);
    if (typeof token !== 'string' || token === '') {
      throw new TypeError('token must be a non-empty string');
    }
    if (!Number.isFinite(expiresAt)) {
      throw new TypeError('expiresAt must be a number of epoch seconds');
    }
    this.#entries.delete(key);
    this.#read.delete(key);
    if (expiresAt <= this.#nowSeconds()) {
      return;
    }
    this.#entries.set(key, { token, expiresAt });
    this.#evictOverflow();
  }

  /** The unexpired entry of `email` (normalised), marking it recently used; else `undefined`. */
  get(email: string): SessionTokenEntry | undefined {
    const key = normalizeEmail(email);
    const entry = this.#entries.get(key);
    if (!entry) {
      return undefined;
    }
    if (entry.expiresAt <= this.#nowSeconds()) {
      this.#entries.delete(key);
      this.#read.delete(key);
      return undefined;
    }
    this.#read.add(key);
    return { ...entry };
  }

  /** Removes the entry of `email`. */
  delete(email: string): void {
    const key = normalizeEmail(email);
    this.#entries.delete(key);
    this.#read.delete(key);
  }

  /** Removes every expired entry now; returns how many were removed. */
  sweepExpired(): number {
    const now = this.#nowSeconds();
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(key);
        this.#read.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** Removes every entry. */
  clear(): void {
    this.#entries.clear();
    this.#read.clear();
  }

  /** Stops the sweep timer (the entries stay). */
  close(): void {
    if (this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #nowSeconds(): number {
    return Math.floor(this.#now() / 1000);
  }

  /**
   * Evicts from the front beyond `maxEntries`: an entry read since it was set or last moved goes
   * to the back instead, once (second chance), so the least recently used go first.
   */
  #evictOverflow(): void {
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      const entry = this.#entries.get(oldest)!;
      this.#entries.delete(oldest);
      if (this.#read.delete(oldest)) {
        this.#entries.set(oldest, entry);
      }
    }
  }
}
