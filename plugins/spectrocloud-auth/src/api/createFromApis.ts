import type {
  ConfigApi,
  DiscoveryApi,
  OAuthRequestApi,
} from '@backstage/core-plugin-api';
import { SpectroCloudAuth } from './SpectroCloudAuth';

/**
 * Shared body of the legacy and new-system API factories: builds
 * {@link SpectroCloudAuth} with the auth environment from config
 * `auth.environment` (default `'development'`).
 */
export function createSpectroCloudAuthFromApis(deps: {
  discoveryApi: DiscoveryApi;
  oauthRequestApi: OAuthRequestApi;
  configApi: ConfigApi;
}): SpectroCloudAuth {
  const { discoveryApi, oauthRequestApi, configApi } = deps;
  return SpectroCloudAuth.create({
    discoveryApi,
    oauthRequestApi,
    configApi,
    environment: configApi.getOptionalString('auth.environment'),
  });
}
