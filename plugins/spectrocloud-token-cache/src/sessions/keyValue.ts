import { randomBytes } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { ResilientSharedCache } from '../shared/ResilientSharedCache';
import { SharedKeyHasher } from '../shared/SharedKeyHasher';
import { SharedValueCipher } from '../shared/SharedValueCipher';
import { SessionStoreUnavailableError } from './types';

/**
 * Where session records, indexes, locks and used-flow marks live. `kind` is the record type
 * (`session`, `ended`, `revoked`, `user`, `email`, `lock`,
 * `once`), `name` its id within the type. TTLs in
 * MILLISECONDS. Every method rejects with {@link SessionStoreUnavailableError} when the store
 * failed.
 * @public
 */
export interface KeyValueStore {
  /** The value stored under `kind`/`name`, or `undefined` (absent or expired). */
  get(kind: string, name: string): Promise<JsonObject | undefined>;
  /** Stores `value` under `kind`/`name` for `ttlMs` MILLISECONDS, replacing any value. */
  set(
    kind: string,
    name: string,
    value: JsonObject,
    ttlMs: number,
  ): Promise<void>;
  /** Removes the value under `kind`/`name` (nothing when absent). */
  delete(kind: string, name: string): Promise<void>;
  /** Stores `value` only when nothing is stored under the key; `true` when this call stored it. */
  setIfAbsent(
    kind: string,
    name: string,
    value: JsonObject,
    ttlMs: number,
  ): Promise<boolean>;
}

/**
 * In-process {@link KeyValueStore}: a Map with expiry, bounded to `maxEntries` (oldest evicted).
 * `setIfAbsent` is atomic.
 * @public
 */
export function createMemoryKeyValueStore(
  maxEntries: number,
  now: () => number = Date.now,
): KeyValueStore {
  const entries = new Map<string, { value: JsonObject; expiresAt: number }>();
  const read = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry?.value;
  };
  const write = (key: string, value: JsonObject, ttlMs: number) => {
    entries.delete(key);
    if (ttlMs <= 0) return;
    entries.set(key, {
      value: structuredClone(value),
      expiresAt: now() + ttlMs,
    });
    while (entries.size > maxEntries) {
      entries.delete(entries.keys().next().value as string);
    }
  };
  return {
    async get(kind, name) {
      const value = read(`${kind}:${name}`);
      return value && structuredClone(value);
    },
    async set(kind, name, value, ttlMs) {
      write(`${kind}:${name}`, value, ttlMs);
    },
    async delete(kind, name) {
      entries.delete(`${kind}:${name}`);
    },
    async setIfAbsent(kind, name, value, ttlMs) {
      const key = `${kind}:${name}`;
      if (read(key) !== undefined) return false;
      write(key, value, ttlMs);
      return true;
    },
  };
}

/**
 * How long {@link createSharedKeyValueStore}'s `setIfAbsent` waits between its write and the
 * read-back that decides who won, in MILLISECONDS.
 */
export const SET_IF_ABSENT_SETTLE_MS = 25;

/**
 * {@link KeyValueStore} on the shared cache store through {@link ResilientSharedCache} (bounded
 * calls, one warning per outage, one info line on recovery, a fresh client after a failure for
 * `redis`). Keys are `<kind>:<HMAC(name)>`; values JWE-encrypted and bound to their key.
 *
 * @remarks
 * Backstage's cache API has no atomic set-if-absent: `setIfAbsent` reads, writes a random owner
 * mark, waits {@link SET_IF_ABSENT_SETTLE_MS} and reads again; the caller whose mark is there
 * won. Two callers both win only when one of them stalls more than the settle time between its
 * read and its write.
 */
export function createSharedKeyValueStore(options: {
  cache: ResilientSharedCache;
  cipher: SharedValueCipher;
  keys: SharedKeyHasher;
  logger: LoggerService;
}): KeyValueStore {
  const { cache, cipher, keys, logger } = options;
  let unknownKeyWarned = false;
  const fail = () => new SessionStoreUnavailableError();

  const get = async (kind: string, name: string) => {
    const key = keys.key(kind, name);
    const read = await cache.get(key);
    if (read.status === 'unavailable') throw fail();
    if (read.status === 'miss') return undefined;
    const result =
      read.status === 'hit'
        ? await cipher.decrypt(key, read.value)
        : ({ status: 'corrupt' } as const);
    if (result.status === 'ok') return result.value;
    if (result.status === 'unknownKey') {
      if (!unknownKeyWarned) {
        unknownKeyWarned = true;
        logger.warn(
          'SpectroCloud token cache: a shared entry is encrypted under a key missing from ' +
            'spectrocloud.tokenCache.encryptionKeys; add new keys to every instance before ' +
            'making them the first one',
        );
      }
      return undefined;
    }
    logger.warn(
      'SpectroCloud token cache: deleted a shared entry that could not be decrypted or parsed',
    );
    await cache.delete(key);
    return undefined;
  };
  const set = async (
    kind: string,
    name: string,
    value: JsonObject,
    ttlMs: number,
  ) => {
    const key = keys.key(kind, name);
    const ok =
      ttlMs > 0
        ? await cache.set(key, await cipher.encrypt(key, value), ttlMs)
        : await cache.delete(key);
    if (!ok) throw fail();
  };
  return {
    get,
    set,
    async delete(kind, name) {
      if (!(await cache.delete(keys.key(kind, name)))) throw fail();
    },
    async setIfAbsent(kind, name, value, ttlMs) {
      if ((await get(kind, name)) !== undefined) return false;
      const owner = randomBytes(16).toString('base64url');
      await set(kind, name, { ...value, owner }, ttlMs);
      await new Promise(r => setTimeout(r, SET_IF_ABSENT_SETTLE_MS));
      return (await get(kind, name))?.owner === owner;
    },
  };
}
