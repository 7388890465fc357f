import { createServiceFactory } from '@backstage/backend-plugin-api';
import { spectroCloudTokenCacheServiceRef } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import {
  createMemoryKeyValueStore,
  DefaultSpectroCloudTokenCache,
  SessionStore,
} from '@terasky/backstage-plugin-spectrocloud-token-cache/sessions';

/**
 * A token cache factory whose session store (records, used-flow marks, locks) is shared by every
 * backend it is installed in, like the shared token cache on a Redis that several backend
 * instances use; each backend gets its own `SessionStore` over that one store.
 */
export function createSharedTokenCacheFactory() {
  const kv = createMemoryKeyValueStore(100_000);
  return createServiceFactory({
    service: spectroCloudTokenCacheServiceRef,
    deps: {},
    factory: () => new DefaultSpectroCloudTokenCache(new SessionStore({ kv })),
  });
}
