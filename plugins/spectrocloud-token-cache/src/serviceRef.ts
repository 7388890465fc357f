import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { readTokenCacheSettings } from './config';
import { DefaultSpectroCloudTokenCache } from './DefaultSpectroCloudTokenCache';
import { InProcessTokenStore } from './InProcessTokenStore';
import { setProcessTokenStore } from './seedApi';
import { cacheManagerConnector } from './shared/cacheManagerConnection';
import { ResilientSharedCache } from './shared/ResilientSharedCache';
import { SharedKeyHasher } from './shared/SharedKeyHasher';
import { SharedValueCipher } from './shared/SharedValueCipher';
import {
  createMemoryKeyValueStore,
  createSharedKeyValueStore,
  KeyValueStore,
} from './sessions/keyValue';
import { SessionStore } from './sessions/SessionStore';
import { SpectroCloudTokenCache } from './types';

function createTokenCache(
  config: RootConfigService,
  logger: LoggerService,
): { cache: DefaultSpectroCloudTokenCache; store: InProcessTokenStore } {
  const settings = readTokenCacheSettings(config);
  const store = new InProcessTokenStore({
    maxEntries: settings.maxEntries,
    sweepIntervalMs: settings.sweepIntervalMs,
    legacyGlobalMap: settings.legacyGlobalMap,
  });
  if (settings.legacyGlobalMap) {
    logger.warn(
      'SpectroCloud token cache: spectrocloud.tokenCache.legacyGlobalMap is on: every Palette ' +
        'session token of this process is readable at globalThis.__SPECTROCLOUD_TOKEN_CACHE__ by ' +
        'email, and plugins that take that email from a request header hand any signed-in user ' +
        "another user's token; see the token cache README",
    );
  }
  let kv: KeyValueStore;
  if (settings.shared) {
    const connector = cacheManagerConnector(config, settings.shared.namespace);
    kv = createSharedKeyValueStore({
      cache: new ResilientSharedCache({
        connect: connector.connect,
        timeoutMs: settings.shared.timeoutMs,
        retryIntervalMs: settings.shared.retryIntervalMs,
        recreateOnFailure: connector.recreateOnFailure,
        logger,
      }),
      cipher: new SharedValueCipher(settings.shared.encryptionKeys),
      keys: new SharedKeyHasher(settings.shared.keyHashSecret),
      logger,
    });
    if (connector.store === 'memory') {
      logger.warn(
        "SpectroCloud token cache: shared tier on, but backend.cache.store is 'memory': " +
          'sessions are not shared with other backend instances',
      );
    } else {
      logger.info(
        `SpectroCloud token cache: sessions in backend.cache.store '${connector.store}', ` +
          `namespace '${settings.shared.namespace}'`,
      );
    }
  } else {
    // Records, index entries, locks and used-flow marks: a few per signed-in session.
    kv = createMemoryKeyValueStore(store.maxEntries * 4);
  }
  const sessions = new SessionStore({ kv, view: store });
  return { cache: new DefaultSpectroCloudTokenCache(sessions), store };
}

/**
 * The token cache as a root-scoped Backstage service. Backend plugins and modules depend on it:
 * `deps: { tokenCache: spectroCloudTokenCacheServiceRef }`.
 *
 * @remarks
 * The default factory reads `spectrocloud.tokenCache` (see the package README and `config.d.ts`):
 * `maxEntries` (default 10000), `sweepIntervalSeconds` (default 60) and `legacyGlobalMap` (default `false`;
 * when `true` the view is published at `globalThis.__SPECTROCLOUD_TOKEN_CACHE__` and one warning is
 * logged at startup) of the in-process view
 * (installed as the process-wide store behind the synchronous seed API); the session records live
 * in process, or, when `shared: true`, encrypted in the shared store configured under
 * `backend.cache` (memory, redis, valkey, memcache, ...) with `encryptionKeys`, `keyHashSecret`,
 * `namespace`, `sharedTimeout` and `sharedRetryInterval`. Being root-scoped, one instance serves
 * every plugin, and its shared entries live in one fixed namespace, not per plugin.
 *
 * The factory throws (and the backend does not start) on invalid settings, e.g. `shared: true`
 * without valid keys.
 * @public
 */
export const spectroCloudTokenCacheServiceRef =
  createServiceRef<SpectroCloudTokenCache>({
    id: 'spectrocloud.token-cache',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {
          config: coreServices.rootConfig,
          lifecycle: coreServices.rootLifecycle,
          logger: coreServices.rootLogger,
        },
        factory({ config, lifecycle, logger }) {
          const { cache, store } = createTokenCache(
            config,
            logger.child({ service: 'spectrocloud-token-cache' }),
          );
          setProcessTokenStore(store);
          lifecycle.addShutdownHook(() => store.close());
          return cache;
        },
      }),
  });
