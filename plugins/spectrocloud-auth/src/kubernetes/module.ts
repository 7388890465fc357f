import {
  ApiBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { kubernetesAuthProvidersApiRef } from '@backstage/plugin-kubernetes-react';
import {
  createWithStockProviders,
  kubernetesAuthProvidersDeps,
} from './stockDeps';

/**
 * New frontend system: API extension named `auth-providers` that provides
 * kubernetes-react's `kubernetesAuthProvidersApiRef` with the stock
 * providers plus `spectrocloud` (same factory as
 * {@link spectroCloudKubernetesAuthProvidersApiFactory}). Inside
 * {@link spectroCloudKubernetesAuthModule} its id is
 * `api:kubernetes/auth-providers`, the id of the stock Kubernetes plugin's
 * own auth providers extension, which it therefore replaces.
 *
 * @alpha
 */
export const spectroCloudKubernetesAuthProvidersApi = ApiBlueprint.make({
  name: 'auth-providers',
  params: define =>
    define({
      api: kubernetesAuthProvidersApiRef,
      deps: kubernetesAuthProvidersDeps,
      factory: deps => createWithStockProviders(deps),
    }),
});

/**
 * New frontend system: a module for the `kubernetes` plugin
 * (`@backstage/plugin-kubernetes/alpha`) that overrides its
 * `api:kubernetes/auth-providers` extension with
 * {@link spectroCloudKubernetesAuthProvidersApi}, so clusters with
 * `authProvider: oidc` and `oidcTokenProvider: spectrocloud` get the
 * SpectroCloud ID token. Install it next to the Kubernetes plugin and the
 * `spectrocloud-auth` plugin (which provides `spectroCloudAuthApiRef`);
 * without the Kubernetes plugin it does nothing.
 *
 * @alpha
 */
export const spectroCloudKubernetesAuthModule = createFrontendModule({
  pluginId: 'kubernetes',
  extensions: [spectroCloudKubernetesAuthProvidersApi],
});
