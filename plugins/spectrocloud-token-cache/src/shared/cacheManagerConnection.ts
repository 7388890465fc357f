import { RootConfigService } from '@backstage/backend-plugin-api';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { SharedCacheConnection } from './ResilientSharedCache';

/** How the shared tier reaches the portal's configured cache store. */
export interface CacheManagerConnector {
  /** `backend.cache.store`, default `memory`. */
  store: string;
  /** A new client of that store, namespaced `namespace` for every plugin alike. */
  connect: () => SharedCacheConnection;
  /** `true` for `redis`, whose client does not reconnect after its connection broke. */
  recreateOnFailure: boolean;
}

/**
 * Clients of the store configured under `backend.cache` (`store`, `connection`, `redis.*`,
 * `valkey.*`, ...), built the way Backstage's cache service builds them
 * (`CacheManager.fromConfig(config).forPlugin(id)`) but with one fixed namespace instead of the
 * calling plugin's id: the auth module (plugin `auth`) and every other plugin read and write the
 * same entries. Store errors reach `errorCount` instead of the log (they are swallowed by the
 * store and would otherwise be logged once per reconnect attempt); with `redis` the client's own
 * `error` events too (see `redisClientOf`), and `close` disconnects it.
 */
export function cacheManagerConnector(
  config: RootConfigService,
  namespace: string,
): CacheManagerConnector {
  const store = config.getOptionalString('backend.cache.store') ?? 'memory';
  return {
    store,
    recreateOnFailure: store === 'redis',
    connect() {
      let errors = 0;
      const onError = () => {
        errors++;
      };
      const manager = CacheManager.fromConfig(config, { onError });
      const client =
        store === 'redis' ? redisClientOf(manager, namespace) : undefined;
      client?.on('error', onError);
      return {
        cache: manager.forPlugin(namespace),
        errorCount: () => errors,
        ...(client && {
          close: async () => {
            await client.disconnect().catch(() => undefined);
          },
        }),
      };
    },
  };
}

/** The part of @redis/client's client used here. */
interface RedisClient {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  disconnect(): Promise<unknown>;
}

/**
 * The @redis/client client under the `redis` store that `manager.forPlugin(namespace)` uses.
 *
 * @remarks
 * @keyv/redis 4 forwards none of its client's `error` events and `CacheManager` listens on the
 * Keyv store only, so a lost connection ("Socket closed unexpectedly") is an `error` event without
 * a listener: an `uncaughtException` in the backend, once per outage. The client is reached
 * through `CacheManager`'s per-plugin store (not public API: `getClientWithTtl` returns the Keyv
 * instance whose `store.client` is the client); `undefined` when that shape changes.
 */
function redisClientOf(
  manager: CacheManager,
  namespace: string,
): RedisClient | undefined {
  const keyv = (
    manager as unknown as {
      getClientWithTtl?: (pluginId: string) => {
        store?: { client?: Partial<RedisClient> };
      };
    }
  ).getClientWithTtl?.(namespace);
  const client = keyv?.store?.client;
  return typeof client?.on === 'function' &&
    typeof client.disconnect === 'function'
    ? (client as RedisClient)
    : undefined;
}
