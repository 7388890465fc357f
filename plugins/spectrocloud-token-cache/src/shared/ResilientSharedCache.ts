import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';
import { withDeadline } from '../outbound/deadline';
import { SharedStoreTimeoutError } from './SharedStoreTimeoutError';

/**
 * One client of the shared cache store.
 * @public
 */
export interface SharedCacheConnection {
  /** The cache client; its keys live in one namespace that every plugin shares. */
  cache: CacheService;
  /**
   * How many errors the store client reported since it was created. Backstage's cache stores
   * swallow errors in `get`/`set` (a failed `get` looks like a miss) and report them through
   * `CacheManager`'s `onError` callback only; a changed count during a call marks it failed.
   */
  errorCount?(): number;
  /** Disconnects the store client, when it has a connection of its own. */
  close?(): Promise<void>;
}

/** What {@link ResilientSharedCache.get} found. */
export type SharedRead =
  | { status: 'hit'; value: JsonValue }
  | { status: 'miss' }
  | { status: 'unreadable' }
  | { status: 'unavailable' };

const MISS: SharedRead = { status: 'miss' };
const UNAVAILABLE: SharedRead = { status: 'unavailable' };
const UNREADABLE: SharedRead = { status: 'unreadable' };

/** Options of {@link ResilientSharedCache}. */
export interface ResilientSharedCacheOptions {
  /** Creates a client; called lazily, and again after a failure when `recreateOnFailure`. */
  connect: () => SharedCacheConnection;
  /** Bound of each call, in MILLISECONDS. */
  timeoutMs: number;
  /** While the store is down, calls are skipped for this long between tries, in MILLISECONDS. */
  retryIntervalMs: number;
  /**
   * Drop the client after a failed call and retry once with a fresh one. Needed for
   * `backend.cache.store: redis`, whose client does not reconnect once its connection broke
   * (backstage/backstage#31742); stores whose clients reconnect on their own leave it off.
   */
  recreateOnFailure: boolean;
  logger: LoggerService;
  /** Clock in epoch MILLISECONDS, for tests. */
  now?: () => number;
}

/**
 * The shared cache store as the token cache uses it: every call bounded by a timeout, failures
 * turned into misses / skipped writes (never a rejection), a warning logged once per outage and
 * an info line when the store answers again. While the store is down, calls are skipped for
 * `retryIntervalMs` at a time; the first call after that tries the store again.
 */
export class ResilientSharedCache {
  readonly #options: ResilientSharedCacheOptions;
  readonly #now: () => number;
  #connection: SharedCacheConnection | undefined;
  #down = false;
  #retryAt = 0;

  constructor(options: ResilientSharedCacheOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** `false` while the store is considered down. */
  get available(): boolean {
    return !this.#down;
  }

  /**
   * The value under `key`: `miss` when missing, `unavailable` when the store failed, did not answer
   * or is skipped (down, inside the retry interval), `unreadable` when the store answered with
   * something its client cannot even parse (e.g. not JSON).
   */
  async get(key: string): Promise<SharedRead> {
    const result = await this.#run(async cache => {
      try {
        const value = await cache.get(key);
        return value === undefined ? MISS : { status: 'hit' as const, value };
      } catch (error) {
        // Keyv's deserialisation throws on a value that is not JSON: bad data, not a bad store.
        if (error instanceof SyntaxError) {
          return UNREADABLE;
        }
        throw error;
      }
    });
    return result.ok ? result.value : UNAVAILABLE;
  }

  /** Stores `value` for `ttlMs` MILLISECONDS; `false` when the store failed or was skipped. */
  async set(key: string, value: JsonValue, ttlMs: number): Promise<boolean> {
    return (await this.#run(cache => cache.set(key, value, { ttl: ttlMs }))).ok;
  }

  /** Deletes `key`; `false` when the store failed or was skipped. */
  async delete(key: string): Promise<boolean> {
    return (await this.#run(cache => cache.delete(key))).ok;
  }

  async #run<T>(
    op: (cache: CacheService) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false }> {
    if (this.#down && this.#now() < this.#retryAt) {
      return { ok: false };
    }
    let result = await this.#attempt(op);
    if (!result.ok && !this.#down && this.#options.recreateOnFailure) {
      // The first failure may be a client that broke while the store is fine again.
      result = await this.#attempt(op);
    }
    if (result.ok) {
      this.#markUp();
    } else {
      this.#markDown(result.reason);
    }
    return result.ok ? result : { ok: false };
  }

  async #attempt<T>(
    op: (cache: CacheService) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
    let connection: SharedCacheConnection;
    try {
      connection = this.#connection ??= this.#options.connect();
    } catch (error) {
      return { ok: false, reason: `client creation failed: ${nameOf(error)}` };
    }
    const errorsBefore = connection.errorCount?.() ?? 0;
    try {
      // The store clients take no AbortSignal: the call is raced, not aborted (it is not HTTP).
      const { timeoutMs } = this.#options;
      const value = await withDeadline(
        () => op(connection.cache),
        timeoutMs,
        () => new SharedStoreTimeoutError(timeoutMs),
      );
      if ((connection.errorCount?.() ?? 0) !== errorsBefore) {
        throw new Error('the store client reported an error');
      }
      return { ok: true, value };
    } catch (error) {
      if (this.#options.recreateOnFailure && this.#connection === connection) {
        this.#connection = undefined;
        // A dropped client would otherwise keep reconnecting for the life of the process.
        connection.close?.().catch(() => undefined);
      }
      return { ok: false, reason: nameOf(error) };
    }
  }

  #markDown(reason: string): void {
    this.#retryAt = this.#now() + this.#options.retryIntervalMs;
    if (!this.#down) {
      this.#down = true;
      this.#options.logger.warn(
        `SpectroCloud token cache: the shared cache store failed (${reason}); ` +
          'sessions are unavailable (503) until it answers, retrying every ' +
          `${this.#options.retryIntervalMs} ms`,
      );
    }
  }

  #markUp(): void {
    if (this.#down) {
      this.#down = false;
      this.#options.logger.info(
        'SpectroCloud token cache: the shared cache store answers again; using it',
      );
    }
  }
}

/**
 * The error's name and message, at most 200 characters: store client errors (connection refused,
 * timeout, ...) name hosts and ports, never cache keys or values.
 */
function nameOf(error: unknown): string {
  const text =
    error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
