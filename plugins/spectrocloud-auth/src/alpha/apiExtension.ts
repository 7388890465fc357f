import {
  ApiBlueprint,
  configApiRef,
  discoveryApiRef,
  oauthRequestApiRef,
} from '@backstage/frontend-plugin-api';
import { createSpectroCloudAuthFromApis } from '../api/createFromApis';
import { spectroCloudAuthApiRef } from '../api/ref';

/**
 * New frontend system: API extension (id `api:spectrocloud-auth/spectrocloud`
 * once inside the plugin) that provides {@link spectroCloudAuthApiRef}.
 *
 * @remarks
 *
 * `ApiBlueprint.make({ name: 'spectrocloud', params: define => define({ api:
 * spectroCloudAuthApiRef, deps: { discoveryApi, oauthRequestApi, configApi },
 * factory }) })`; the factory is the same as the legacy
 * `spectroCloudAuthApiFactory` (`SpectroCloudAuth.create` with config
 * `auth.environment`). It is already part of the default-exported plugin of
 * this entry point; export it on its own only for tests or custom plugins.
 *
 * @alpha
 */
export const spectroCloudAuthApi = ApiBlueprint.make({
  name: 'spectrocloud',
  params: define =>
    define({
      api: spectroCloudAuthApiRef,
      deps: {
        discoveryApi: discoveryApiRef,
        oauthRequestApi: oauthRequestApiRef,
        configApi: configApiRef,
      },
      factory: deps => createSpectroCloudAuthFromApis(deps),
    }),
});
