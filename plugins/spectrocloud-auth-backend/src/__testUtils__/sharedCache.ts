import {
  CacheService,
  CacheServiceOptions,
  CacheServiceSetOptions,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { durationToMilliseconds, JsonValue } from '@backstage/types';

type Store = Map<string, { value: JsonValue; expiresAt: number }>;

function ttlMs(ttl: CacheServiceSetOptions['ttl']): number | undefined {
  if (ttl === undefined) return undefined;
  return typeof ttl === 'number' ? ttl : durationToMilliseconds(ttl);
}

class SharedMemoryCache implements CacheService {
  constructor(
    private readonly store: Store,
    private readonly prefix: string,
    private readonly defaultTtlMs?: number,
  ) {}

  async get<TValue extends JsonValue>(
    key: string,
  ): Promise<TValue | undefined> {
    const entry = this.store.get(this.prefix + key);
    if (!entry || entry.expiresAt <= Date.now()) {
      return undefined;
    }
    return entry.value as TValue;
  }

  async set(
    key: string,
    value: JsonValue,
    options?: CacheServiceSetOptions,
  ): Promise<void> {
    const ttl = ttlMs(options?.ttl) ?? this.defaultTtlMs;
    this.store.set(this.prefix + key, {
      value,
      expiresAt:
        ttl === undefined ? Number.POSITIVE_INFINITY : Date.now() + ttl,
    });
  }

  async delete(key: string): Promise<void> {
    this.store.delete(this.prefix + key);
  }

  withOptions(options: CacheServiceOptions): CacheService {
    return new SharedMemoryCache(
      this.store,
      this.prefix,
      ttlMs(options.defaultTtl) ?? this.defaultTtlMs,
    );
  }
}

/**
 * A `coreServices.cache` factory whose store is shared by every backend it is installed in, like
 * a Redis cache shared by several backend instances (keys namespaced per plugin).
 */
export function createSharedCacheFactory() {
  const store: Store = new Map();
  return createServiceFactory({
    service: coreServices.cache,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => new SharedMemoryCache(store, `${plugin.getId()}:`),
  });
}
