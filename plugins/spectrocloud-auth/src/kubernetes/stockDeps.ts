import {
  gitlabAuthApiRef,
  googleAuthApiRef,
  microsoftAuthApiRef,
  oktaAuthApiRef,
  oneloginAuthApiRef,
  type OAuthApi,
  type OpenIdConnectApi,
} from '@backstage/frontend-plugin-api';
import type { KubernetesAuthProvidersApi } from '@backstage/plugin-kubernetes-react';
import { spectroCloudAuthApiRef } from '../api/ref';
import { createSpectroCloudKubernetesAuthProviders } from './createAuthProviders';

/**
 * The dependencies of the auth providers API: the five auth APIs the stock
 * Kubernetes plugin (@backstage/plugin-kubernetes 0.12, both frontend
 * systems) wires, plus the SpectroCloud one. All are provided by default in
 * both systems (app-defaults / the new system's app plugin).
 */
export const kubernetesAuthProvidersDeps = {
  gitlabAuthApi: gitlabAuthApiRef,
  googleAuthApi: googleAuthApiRef,
  microsoftAuthApi: microsoftAuthApiRef,
  oktaAuthApi: oktaAuthApiRef,
  oneloginAuthApi: oneloginAuthApiRef,
  spectroCloudAuthApi: spectroCloudAuthApiRef,
};

/** The factory body shared by the legacy factory and the new-system extension. */
export function createWithStockProviders(deps: {
  gitlabAuthApi: OpenIdConnectApi;
  googleAuthApi: OAuthApi & OpenIdConnectApi;
  microsoftAuthApi: OAuthApi & OpenIdConnectApi;
  oktaAuthApi: OpenIdConnectApi;
  oneloginAuthApi: OpenIdConnectApi;
  spectroCloudAuthApi: OpenIdConnectApi;
}): KubernetesAuthProvidersApi {
  return createSpectroCloudKubernetesAuthProviders({
    spectroCloudAuthApi: deps.spectroCloudAuthApi,
    googleAuthApi: deps.googleAuthApi,
    microsoftAuthApi: deps.microsoftAuthApi,
    oidcProviders: {
      gitlab: deps.gitlabAuthApi,
      google: deps.googleAuthApi,
      microsoft: deps.microsoftAuthApi,
      okta: deps.oktaAuthApi,
      onelogin: deps.oneloginAuthApi,
    },
  });
}
