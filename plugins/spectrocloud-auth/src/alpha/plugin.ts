import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { spectroCloudAuthApi } from './apiExtension';

/**
 * New frontend system: the `spectrocloud-auth` plugin. Its only extension is
 * {@link spectroCloudAuthApi}, which provides `spectroCloudAuthApiRef`.
 * It renders nothing; install it together with a sign-in page (for example
 * {@link spectroCloudSignInPageModule}).
 *
 * @alpha
 */
export const spectroCloudAuthPlugin = createFrontendPlugin({
  pluginId: 'spectrocloud-auth',
  title: 'SpectroCloud Auth',
  extensions: [spectroCloudAuthApi],
});
