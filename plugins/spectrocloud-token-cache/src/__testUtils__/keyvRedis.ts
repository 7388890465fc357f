import { CacheService } from '@backstage/backend-plugin-api';
import KeyvRedis from '@keyv/redis';
import { createClient } from '@redis/client';
import Keyv from 'keyv';
import { createHash, randomBytes } from 'node:crypto';
import { SharedCacheConnection } from '../shared/ResilientSharedCache';

// Clients of the token cache's Redis entries, for tests against a throwaway redis-server
// (`startRedisServer` of @internal/test-services).

/** Backstage's DefaultCacheClient key normalisation (base64, SHA-256 when long). */
function normalizedKey(key: string): string {
  const b64 = Buffer.from(key).toString('base64');
  return b64.length < 200
    ? b64
    : createHash('sha256').update(key).digest('base64');
}

/** The raw Redis key under which a `CacheService` key of `namespace` is stored. */
export function rawRedisKey(namespace: string, key: string): string {
  return `${namespace}:${normalizedKey(key)}`;
}

/**
 * A shared cache connection built like Backstage's `CacheManager` builds its redis store (Keyv +
 * @keyv/redis, `:` separator, errors swallowed and counted), except that the client has an
 * `error` listener (so it reconnects on its own) and can be closed at the end of a test.
 */
export function keyvRedisConnection(url: string, namespace: string) {
  let errors = 0;
  const store = new KeyvRedis(url, { keyPrefixSeparator: ':' });
  store.on('error', () => errors++);
  store.client.on('error', () => errors++);
  const keyv = new Keyv({
    store,
    namespace,
    useKeyPrefix: false,
    emitErrors: false,
  });
  const cache: CacheService = {
    get: async key => (await keyv.get(normalizedKey(key))) as any,
    set: async (key, value, opts) => {
      await keyv.set(normalizedKey(key), value, opts?.ttl as number);
    },
    delete: async key => {
      await keyv.delete(normalizedKey(key));
    },
    withOptions: () => cache,
  };
  const connection: SharedCacheConnection = {
    cache,
    errorCount: () => errors,
  };
  return {
    connection,
    close: async () => {
      await store.disconnect(true).catch(() => {});
    },
  };
}

/** A plain Redis client for looking at raw keys and values. */
export async function rawRedisClient(url: string) {
  const client = createClient({
    url,
    socket: { reconnectStrategy: false },
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** 32 random bytes. */
export function randomKey(): Buffer {
  return randomBytes(32);
}
