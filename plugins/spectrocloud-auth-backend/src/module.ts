import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { authProvidersExtensionPoint } from '@backstage/plugin-auth-node';
import { spectroCloudTokenCacheServiceRef } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import { createSpectroCloudProviderFactory } from './providerFactory';

/**
 * Backend module for the auth plugin (`pluginId: 'auth'`, `moduleId: 'spectrocloud-provider'`)
 * that registers the `spectrocloud` provider: Backstage sign-in with SpectroCloud Palette as the
 * OpenID Connect provider. Configured under `auth.providers.spectrocloud.<env>`.
 *
 * @remarks
 * Depends on the root service `spectroCloudTokenCacheServiceRef` (its default factory is used
 * unless the backend installs another): its `sessions` hold one record per sign-in and the marks
 * that refuse replayed callbacks (shared by every instance when the token cache is shared). Add it with `backend.add(import('@terasky/backstage-plugin-spectrocloud-auth-backend'))`.
 * @public
 */
export const authModuleSpectroCloudProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'spectrocloud-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        tokenCache: spectroCloudTokenCacheServiceRef,
        logger: coreServices.logger,
      },
      async init({ providers, tokenCache, logger }) {
        providers.registerProvider({
          providerId: 'spectrocloud',
          factory: createSpectroCloudProviderFactory({
            tokenCache,
            logger,
          }),
        });
      },
    });
  },
});
