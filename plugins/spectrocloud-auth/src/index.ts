/**
 * SpectroCloud Palette sign-in for Backstage, frontend side: the
 * `spectroCloudAuthApiRef` API and its implementation, plus the legacy frontend
 * system factory and sign-in page provider entry. The new frontend system
 * plugin and sign-in page module are in the `/alpha` entry point.
 *
 * @packageDocumentation
 */

export { spectroCloudAuthApiRef } from './api/ref';
export type { SpectroCloudAuthApi } from './api/types';
export {
  SpectroCloudAuth,
  type SpectroCloudAuthCreateOptions,
} from './api/SpectroCloudAuth';
export { spectroCloudAuthApiFactory } from './legacy/apiFactory';
export { spectroCloudSignInProvider } from './legacy/signInProvider';
