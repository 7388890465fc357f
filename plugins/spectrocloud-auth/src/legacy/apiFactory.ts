import {
  configApiRef,
  createApiFactory,
  discoveryApiRef,
  oauthRequestApiRef,
} from '@backstage/core-plugin-api';
import { createSpectroCloudAuthFromApis } from '../api/createFromApis';
import { spectroCloudAuthApiRef } from '../api/ref';

/**
 * Legacy frontend system (`@backstage/core-plugin-api` apps): API factory for
 * {@link spectroCloudAuthApiRef}, to add to the `apis` array passed to
 * `createApp`.
 *
 * @remarks
 *
 * Shape: `{ api: spectroCloudAuthApiRef, deps: { discoveryApi, oauthRequestApi,
 * configApi }, factory }`; the factory returns
 * `SpectroCloudAuth.create({ discoveryApi, oauthRequestApi, configApi,
 * environment: config 'auth.environment' })` (environment default
 * `'development'`).
 *
 * @public
 */
export const spectroCloudAuthApiFactory = createApiFactory({
  api: spectroCloudAuthApiRef,
  deps: {
    discoveryApi: discoveryApiRef,
    oauthRequestApi: oauthRequestApiRef,
    configApi: configApiRef,
  },
  factory: deps => createSpectroCloudAuthFromApis(deps),
});
