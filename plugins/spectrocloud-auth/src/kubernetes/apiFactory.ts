import { createApiFactory } from '@backstage/core-plugin-api';
import { kubernetesAuthProvidersApiRef } from '@backstage/plugin-kubernetes-react';
import {
  createWithStockProviders,
  kubernetesAuthProvidersDeps,
} from './stockDeps';

/**
 * Legacy frontend system: API factory for kubernetes-react's
 * `kubernetesAuthProvidersApiRef` (id
 * `plugin.kubernetes-auth-providers.service`) that keeps everything the stock
 * Kubernetes plugin wires and adds the `spectrocloud` OIDC token provider.
 * Add it to the `apis` array given to `createApp`; the app's factories win
 * over the Kubernetes plugin's own one.
 *
 * @remarks
 *
 * Shape: `{ api: kubernetesAuthProvidersApiRef, deps: { gitlabAuthApi,
 * googleAuthApi, microsoftAuthApi, oktaAuthApi, oneloginAuthApi,
 * spectroCloudAuthApi }, factory }`. The factory returns
 * {@link createSpectroCloudKubernetesAuthProviders} with `oidcProviders`
 * `gitlab`, `google`, `microsoft`, `okta`, `onelogin` (as the stock plugin)
 * plus `spectrocloud`. `spectroCloudAuthApiRef` must have a factory too
 * (`spectroCloudAuthApiFactory`).
 *
 * @public
 */
export const spectroCloudKubernetesAuthProvidersApiFactory = createApiFactory({
  api: kubernetesAuthProvidersApiRef,
  deps: kubernetesAuthProvidersDeps,
  factory: deps => createWithStockProviders(deps),
});
