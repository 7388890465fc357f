import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { spectroCloudTokenCacheServiceRef } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import { readSpectroCloudDemoConfig } from './config';
import { createSpectroCloudDemoRouter } from './router';

/**
 * Backend plugin `spectrocloud-demo`: shows what a plugin can do with the Palette session token
 * the SpectroCloud sign-in cached for the signed-in user (`/api/spectrocloud-demo/session` and
 * `/api/spectrocloud-demo/projects`, see {@link createSpectroCloudDemoRouter}).
 * Config: `spectrocloud.apiUrl` (required), `spectrocloud.demo.timeout` (default 10 s).
 */
export const spectroCloudDemoPlugin = createBackendPlugin({
  pluginId: 'spectrocloud-demo',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        tokenCache: spectroCloudTokenCacheServiceRef,
      },
      async init({ config, httpAuth, httpRouter, logger, tokenCache }) {
        httpRouter.use(
          await createSpectroCloudDemoRouter({
            httpAuth,
            logger,
            tokenCache,
            config: readSpectroCloudDemoConfig(config),
          }),
        );
      },
    });
  },
});
