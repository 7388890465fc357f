/**
 * New frontend system (`@backstage/frontend-plugin-api`) entry point of the
 * SpectroCloud Palette sign-in plugin.
 *
 * @packageDocumentation
 */

import { spectroCloudAuthPlugin } from './alpha/plugin';

export { spectroCloudAuthApi } from './alpha/apiExtension';
export {
  createSpectroCloudSignInPageModule,
  spectroCloudSignInPageModule,
  type SpectroCloudSignInPageModuleOptions,
} from './alpha/signInPageModule';
export { spectroCloudAuthApiRef } from './api/ref';
export type { SpectroCloudAuthApi } from './api/types';

export default spectroCloudAuthPlugin;
