import { ApiFactoryRegistry, ApiResolver } from '@backstage/core-app-api';
import {
  configApiRef,
  createApiFactory,
  createApiRef,
  discoveryApiRef,
  oauthRequestApiRef,
} from '@backstage/core-plugin-api';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { setupServer } from 'msw/node';
import { SpectroCloudAuth } from '../api/SpectroCloudAuth';
import { spectroCloudAuthApiRef } from '../api/ref';
import {
  createFakeOAuthRequestApi,
  fakeDiscoveryApi,
  paletteSessionToken,
  refreshWithSession,
} from '../__testUtils__/fakes';
import { spectroCloudAuthApiFactory } from './apiFactory';
import { spectroCloudSignInProvider } from './signInProvider';

const server = setupServer();
registerMswTestHooks(server);

function resolveLegacyApis(configData: object = {}) {
  const registry = new ApiFactoryRegistry();
  const { oauthRequestApi, authRequester } = createFakeOAuthRequestApi();
  registry.register(
    'static',
    createApiFactory(discoveryApiRef, fakeDiscoveryApi),
  );
  registry.register(
    'static',
    createApiFactory(oauthRequestApiRef, oauthRequestApi),
  );
  registry.register(
    'static',
    createApiFactory(configApiRef, mockApis.config({ data: configData })),
  );
  registry.register('default', spectroCloudAuthApiFactory);
  return { apis: new ApiResolver(registry), authRequester };
}

describe('legacy frontend system exports', () => {
  it('the ref has id auth.spectrocloud', () => {
    expect(spectroCloudAuthApiRef.id).toBe('auth.spectrocloud');
    expect(String(spectroCloudAuthApiRef)).toBe('apiRef{auth.spectrocloud}');
  });

  it('the factory is registered for the ref with the three deps', () => {
    expect(spectroCloudAuthApiFactory.api).toBe(spectroCloudAuthApiRef);
    expect(spectroCloudAuthApiFactory.deps).toEqual({
      discoveryApi: discoveryApiRef,
      oauthRequestApi: oauthRequestApiRef,
      configApi: configApiRef,
    });
  });

  it('an ApiResolver (legacy app) builds a working SpectroCloudAuth for the ref', async () => {
    const refreshUrls: string[] = [];
    server.use(
      refreshWithSession(paletteSessionToken, r => refreshUrls.push(r.url)),
    );
    const { apis, authRequester } = resolveLegacyApis({
      auth: { environment: 'production' },
    });

    const api = apis.get(spectroCloudAuthApiRef);
    expect(api).toBeInstanceOf(SpectroCloudAuth);
    // The same instance is found through a ref created by core-plugin-api's
    // legacy createApiRef, as a legacy app keys APIs by id.
    expect(apis.get(createApiRef<unknown>({ id: 'auth.spectrocloud' }))).toBe(
      api,
    );

    await expect(api!.getSpectroCloudApiToken()).resolves.toBe(
      paletteSessionToken,
    );
    expect(new URL(refreshUrls[0]).searchParams.get('env')).toBe('production');
    expect(authRequester).not.toHaveBeenCalled();
  });

  it('uses environment development when auth.environment is not set', async () => {
    const refreshUrls: string[] = [];
    server.use(
      refreshWithSession(paletteSessionToken, r => refreshUrls.push(r.url)),
    );
    const { apis } = resolveLegacyApis();

    await apis.get(spectroCloudAuthApiRef)!.getSpectroCloudApiToken();
    expect(new URL(refreshUrls[0]).searchParams.get('env')).toBe('development');
  });

  it('the sign-in provider entry points at the ref', () => {
    expect(spectroCloudSignInProvider).toEqual({
      id: 'spectrocloud-auth-provider',
      title: 'SpectroCloud',
      message: 'Sign in using SpectroCloud Palette',
      apiRef: spectroCloudAuthApiRef,
    });
  });
});
