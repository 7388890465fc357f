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
 * store and would otherwise be logged once per reconnect attempt).
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
      const manager = CacheManager.fromConfig(config, {
        onError: () => {
          errors++;
        },
      });
      return { cache: manager.forPlugin(namespace), errorCount: () => errors };
    },
  };
}
