/**
 * Kubernetes OIDC with the SpectroCloud ID token: adds the `spectrocloud`
 * OIDC token provider to the Kubernetes plugin's auth providers, in both
 * frontend systems. A separate entry point, so apps without the Kubernetes
 * plugin do not load `@backstage/plugin-kubernetes-react` (an optional peer
 * dependency of this package).
 *
 * @packageDocumentation
 */

export {
  createSpectroCloudKubernetesAuthProviders,
  SPECTROCLOUD_OIDC_TOKEN_PROVIDER,
  type SpectroCloudKubernetesAuthProvidersOptions,
} from './kubernetes/createAuthProviders';
export { spectroCloudKubernetesAuthProvidersApiFactory } from './kubernetes/apiFactory';
export {
  spectroCloudKubernetesAuthModule,
  spectroCloudKubernetesAuthProvidersApi,
} from './kubernetes/module';
