/**
 * A Map bounded to `maxEntries` entries, the oldest dropped first: for values that are a pure
 * function of their key (a decrypted refresh token, the profile of an ID token), so that a hot
 * path computes each of them once per process rather than on every request.
 */
export class BoundedCache<V> {
  readonly #entries = new Map<string, V>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: V): void {
    if (!this.#entries.has(key) && this.#entries.size >= this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
    this.#entries.set(key, value);
  }
}
