import type {
  OAuthApi,
  OpenIdConnectApi,
} from '@backstage/frontend-plugin-api';
import {
  KubernetesAuthProviders,
  type KubernetesAuthProvidersApi,
} from '@backstage/plugin-kubernetes-react';

/**
 * The `oidcTokenProvider` name under which the SpectroCloud ID token is
 * offered to the Kubernetes plugin: clusters configured with
 * `authProvider: oidc` and `oidcTokenProvider: spectrocloud` get it.
 *
 * @public
 */
export const SPECTROCLOUD_OIDC_TOKEN_PROVIDER = 'spectrocloud';

/**
 * Options of {@link createSpectroCloudKubernetesAuthProviders}.
 *
 * @public
 */
export interface SpectroCloudKubernetesAuthProvidersOptions {
  /**
   * Whose `getIdToken()` is asked for clusters with `oidcTokenProvider:
   * spectrocloud`: normally `useApi(spectroCloudAuthApiRef)` / the
   * `spectroCloudAuthApi` dependency.
   */
  spectroCloudAuthApi: OpenIdConnectApi;
  /** For `authProvider: google` (kubernetes-react requires it). */
  googleAuthApi: OAuthApi;
  /** For `authProvider: aks` (kubernetes-react requires it). */
  microsoftAuthApi: OAuthApi;
  /**
   * Other OIDC token providers, by `oidcTokenProvider` name (the stock
   * Kubernetes plugin wires `gitlab`, `google`, `microsoft`, `okta` and
   * `onelogin`). An entry named `spectrocloud` is replaced by
   * `spectroCloudAuthApi`.
   */
  oidcProviders?: Record<string, OpenIdConnectApi>;
}

/**
 * Builds the Kubernetes plugin's auth providers (kubernetes-react
 * `KubernetesAuthProviders`) with `spectrocloud` added to the OIDC token
 * providers.
 *
 * @remarks
 *
 * For each cluster with `authProvider: oidc` and `oidcTokenProvider:
 * spectrocloud`, the Kubernetes frontend then calls
 * `decorateRequestBodyForAuth('oidc.spectrocloud', body)`, which sets
 * `body.auth.oidc.spectrocloud` to `await spectroCloudAuthApi.getIdToken()`
 * (the RS256 ID token, not the Palette session token); the Kubernetes backend
 * sends it to the cluster as `Authorization: Bearer <ID token>`. Without a
 * SpectroCloud session, `getIdToken()` opens the sign-in popup like any
 * Backstage OAuth API. The other providers behave as in kubernetes-react
 * (`google`, `aks`, server-side ones, and `oidc.<name>` for each entry of
 * `oidcProviders`).
 *
 * Use it in your own `kubernetesAuthProvidersApiRef` factory when you need a
 * different provider list than {@link spectroCloudKubernetesAuthProvidersApiFactory}.
 *
 * @public
 */
export function createSpectroCloudKubernetesAuthProviders(
  options: SpectroCloudKubernetesAuthProvidersOptions,
): KubernetesAuthProvidersApi {
  return new KubernetesAuthProviders({
    googleAuthApi: options.googleAuthApi,
    microsoftAuthApi: options.microsoftAuthApi,
    oidcProviders: {
      ...options.oidcProviders,
      [SPECTROCLOUD_OIDC_TOKEN_PROVIDER]: options.spectroCloudAuthApi,
    },
  });
}
