import { LoggerService } from '@backstage/backend-plugin-api';
import { normalizeEmail } from '../normalizeEmail';
import { SessionTokenEntry } from '../types';
import {
  ResilientSharedCache,
  SharedCacheConnection,
} from './ResilientSharedCache';
import { SharedKeyHasher } from './SharedKeyHasher';
import { SharedValueCipher } from './SharedValueCipher';

/**
 * Options of {@link SharedTokenStore}.
 * @public
 */
export interface SharedTokenStoreOptions {
  /**
   * Creates a client of the shared cache store, with one fixed namespace for every plugin. Called
   * lazily, and again after failures when `recreateClientOnFailure` is set.
   */
  connect: () => SharedCacheConnection;
  /** AES-256-GCM keys, 32 bytes each: the first encrypts, every one decrypts. */
  encryptionKeys: Uint8Array[];
  /** HMAC-SHA256 key (32 bytes) of the cache keys; keep it stable across key rotations. */
  keyHashSecret: Uint8Array;
  /** Receives outage warnings and corrupt-entry warnings, never a token, email or key. */
  logger: LoggerService;
  /** Bound of each store call, in MILLISECONDS. Default 1000. */
  timeoutMs?: number;
  /** Pause between tries while the store is down, in MILLISECONDS. Default 5000. */
  retryIntervalMs?: number;
  /** See `backend.cache.store: redis` in the README. Default `false`. */
  recreateClientOnFailure?: boolean;
  /** Clock in epoch MILLISECONDS, for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * The shared tier of the token cache, on a Backstage cache store (memory, redis, valkey,
 * memcache, ...).
 *
 * @remarks
 * Entries: `token:<HMAC(email)>` -> encrypted `{ token, expiresAt }`, and
 * `user:<HMAC(userEntityRef)>` -> encrypted `{ email, expiresAt }` (the link the auth module
 * records at sign-in), each with TTL = the token's remaining lifetime. Values are JWE
 * (`dir` + `A256GCM`) bound to their cache key. No method rejects because of the store: a failing
 * or slow store (bounded by `timeoutMs`) reads as a miss and skips writes, with one warning per
 * outage. A value that cannot be decrypted or parsed is treated as missing and deleted; one
 * encrypted under a key this process does not know (a newer key during a rotation) is treated as
 * missing and left alone.
 * @public
 */
export class SharedTokenStore {
  readonly #cache: ResilientSharedCache;
  readonly #cipher: SharedValueCipher;
  readonly #keys: SharedKeyHasher;
  readonly #logger: LoggerService;
  readonly #now: () => number;
  #unknownKeyWarned = false;

  /** @throws Error when `encryptionKeys` is empty */
  constructor(options: SharedTokenStoreOptions) {
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger;
    this.#cipher = new SharedValueCipher(options.encryptionKeys);
    this.#keys = new SharedKeyHasher(options.keyHashSecret);
    this.#cache = new ResilientSharedCache({
      connect: options.connect,
      timeoutMs: options.timeoutMs ?? 1_000,
      retryIntervalMs: options.retryIntervalMs ?? 5_000,
      recreateOnFailure: options.recreateClientOnFailure ?? false,
      logger: options.logger,
      now: this.#now,
    });
  }

  /** `false` while the store is considered down (reads miss, writes are skipped). */
  get available(): boolean {
    return this.#cache.available;
  }

  /** The unexpired entry of `email` (normalised), or `undefined`. */
  async getEntry(email: string): Promise<SessionTokenEntry | undefined> {
    const value = await this.#read(this.#keys.tokenKey(email));
    const token = value?.token;
    const expiresAt = value?.expiresAt;
    if (typeof token !== 'string' || typeof expiresAt !== 'number') {
      return undefined;
    }
    return expiresAt > this.#nowSeconds() ? { token, expiresAt } : undefined;
  }

  /** The normalised email linked to `userEntityRef` at sign-in, while that link lives. */
  async getEmailForUser(userEntityRef: string): Promise<string | undefined> {
    const value = await this.#read(this.#keys.userKey(userEntityRef));
    const email = value?.email;
    const expiresAt = value?.expiresAt;
    if (typeof email !== 'string' || typeof expiresAt !== 'number') {
      return undefined;
    }
    return expiresAt > this.#nowSeconds() ? email : undefined;
  }

  /**
   * Stores the entry of `email` and, when given, the `userEntityRef` -> email link, both with
   * TTL = `entry.expiresAt` (epoch SECONDS) minus now. An expired entry deletes instead.
   */
  async setEntry(
    email: string,
    entry: SessionTokenEntry,
    userEntityRef?: string,
  ): Promise<void> {
    const normalized = normalizeEmail(email);
    const ttlMs = entry.expiresAt * 1000 - this.#now();
    if (ttlMs <= 0) {
      await this.deleteEntry(normalized);
      return;
    }
    const writes = [
      this.#write(this.#keys.tokenKey(normalized), ttlMs, {
        token: entry.token,
        expiresAt: entry.expiresAt,
      }),
    ];
    if (userEntityRef) {
      writes.push(
        this.#write(this.#keys.userKey(userEntityRef), ttlMs, {
          email: normalized,
          expiresAt: entry.expiresAt,
        }),
      );
    }
    await Promise.all(writes);
  }

  /** Deletes the entry of `email`. */
  async deleteEntry(email: string): Promise<void> {
    await this.#cache.delete(this.#keys.tokenKey(email));
  }

  /** Deletes the link of `userEntityRef`. */
  async deleteUser(userEntityRef: string): Promise<void> {
    await this.#cache.delete(this.#keys.userKey(userEntityRef));
  }

  async #write(
    key: string,
    ttlMs: number,
    value: { [k: string]: string | number },
  ): Promise<void> {
    await this.#cache.set(key, await this.#cipher.encrypt(key, value), ttlMs);
  }

  async #read(key: string): Promise<Record<string, unknown> | undefined> {
    const read = await this.#cache.get(key);
    if (read.status === 'miss') {
      return undefined;
    }
    const result =
      read.status === 'hit'
        ? await this.#cipher.decrypt(key, read.value)
        : ({ status: 'corrupt' } as const);
    if (result.status === 'ok') {
      return result.value;
    }
    if (result.status === 'unknownKey') {
      if (!this.#unknownKeyWarned) {
        this.#unknownKeyWarned = true;
        this.#logger.warn(
          'SpectroCloud token cache: a shared entry is encrypted under a key missing from ' +
            'spectrocloud.tokenCache.encryptionKeys; add new keys to every instance before ' +
            'making them the first one',
        );
      }
      return undefined;
    }
    this.#logger.warn(
      'SpectroCloud token cache: deleted a shared entry that could not be decrypted or parsed',
    );
    await this.#cache.delete(key);
    return undefined;
  }

  #nowSeconds(): number {
    return Math.floor(this.#now() / 1000);
  }
}
