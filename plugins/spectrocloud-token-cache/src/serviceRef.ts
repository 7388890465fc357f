import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DefaultSpectroCloudTokenCache } from './DefaultSpectroCloudTokenCache';
import { InProcessTokenStore } from './InProcessTokenStore';
import { setProcessTokenStore } from './seedApi';
import { SpectroCloudTokenCache } from './types';

/**
 * The token cache as a root-scoped Backstage service. Backend plugins and modules depend on it:
 * `deps: { tokenCache: spectroCloudTokenCacheServiceRef }`.
 *
 * @remarks
 * The default factory reads `spectrocloud.tokenCache.maxEntries` (default 10000) and
 * `spectrocloud.tokenCache.sweepIntervalSeconds` (default 60), and installs its store as the
 * process-wide one, so the synchronous seed API and the service see the same tokens.
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
        },
        factory({ config, lifecycle }) {
          const sweepSeconds = config.getOptionalNumber(
            'spectrocloud.tokenCache.sweepIntervalSeconds',
          );
          const store = new InProcessTokenStore({
            maxEntries: config.getOptionalNumber(
              'spectrocloud.tokenCache.maxEntries',
            ),
            sweepIntervalMs:
              sweepSeconds === undefined ? undefined : sweepSeconds * 1000,
          });
          setProcessTokenStore(store);
          lifecycle.addShutdownHook(() => store.close());
          return new DefaultSpectroCloudTokenCache(store);
        },
      }),
  });
