import { ApiFactoryRegistry, ApiResolver } from '@backstage/core-app-api';
import {
  type AnyApiFactory,
  type ApiHolder,
  configApiRef,
  createApiFactory,
  discoveryApiRef,
  gitlabAuthApiRef,
  googleAuthApiRef,
  microsoftAuthApiRef,
  oauthRequestApiRef,
  oktaAuthApiRef,
  oneloginAuthApiRef,
} from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  type FrontendFeature,
} from '@backstage/frontend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { prepareSpecializedApp } from '@backstage/frontend-app-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import appPlugin from '@backstage/plugin-app';
import { kubernetesPlugin } from '@backstage/plugin-kubernetes';
import kubernetesAlphaPlugin from '@backstage/plugin-kubernetes/alpha';
import {
  type KubernetesAuthProvidersApi,
  kubernetesAuthProvidersApiRef,
} from '@backstage/plugin-kubernetes-react';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { setupServer } from 'msw/node';
import spectroCloudAuthPlugin from '../alpha';
import { spectroCloudAuthApiFactory } from '../legacy/apiFactory';
import { spectroCloudAuthApiRef } from '../api/ref';
import { SpectroCloudAuth } from '../api/SpectroCloudAuth';
import {
  createFakeOAuthRequestApi,
  fakeDiscoveryApi,
  paletteSessionToken,
  refreshWithSession,
  rs256IdToken,
} from '../__testUtils__/fakes';
import {
  createSpectroCloudKubernetesAuthProviders,
  SPECTROCLOUD_OIDC_TOKEN_PROVIDER,
  spectroCloudKubernetesAuthModule,
  spectroCloudKubernetesAuthProvidersApi,
  spectroCloudKubernetesAuthProvidersApiFactory,
} from '../kubernetes';

const server = setupServer();
registerMswTestHooks(server);

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'demo-service',
    annotations: { 'backstage.io/kubernetes-id': 'demo-service' },
  },
};

/** A stand-in for another auth API whose ID token is `<name>-id-token`. */
function fakeAuthApi(name: string) {
  return {
    getIdToken: jest.fn(async () => `${name}-id-token`),
    getAccessToken: jest.fn(async () => `${name}-access-token`),
  };
}

/** The real SpectroCloudAuth, its session served by msw (ID token + Palette session token). */
function realSpectroCloudAuth() {
  const { oauthRequestApi, authRequester } = createFakeOAuthRequestApi();
  const api = SpectroCloudAuth.create({
    discoveryApi: fakeDiscoveryApi,
    oauthRequestApi,
    configApi: mockApis.config(),
  });
  return { api, authRequester };
}

type KubernetesRequestBody = Parameters<
  KubernetesAuthProvidersApi['decorateRequestBodyForAuth']
>[1];

/** `body.auth.oidc` of a decorated request body (kubernetes-common types it as JSON). */
function oidcTokens(body: KubernetesRequestBody): Record<string, unknown> {
  return (body.auth?.oidc ?? {}) as Record<string, unknown>;
}

async function spectroCloudTokenIn(
  providers: KubernetesAuthProvidersApi,
): Promise<unknown> {
  const body = await providers.decorateRequestBodyForAuth('oidc.spectrocloud', {
    entity,
  });
  return oidcTokens(body).spectrocloud;
}

describe('createSpectroCloudKubernetesAuthProviders', () => {
  it('the provider oidc.spectrocloud decorates a request with the ID token, not the Palette session token', async () => {
    server.use(refreshWithSession(paletteSessionToken));
    const { api, authRequester } = realSpectroCloudAuth();
    const google = fakeAuthApi('google');

    const providers = createSpectroCloudKubernetesAuthProviders({
      spectroCloudAuthApi: api,
      googleAuthApi: google,
      microsoftAuthApi: fakeAuthApi('microsoft'),
    });
    const body = await providers.decorateRequestBodyForAuth(
      'oidc.spectrocloud',
      { entity, auth: { oidc: { okta: 'okta-token-already-there' } } },
    );

    expect(SPECTROCLOUD_OIDC_TOKEN_PROVIDER).toBe('spectrocloud');
    expect(body.entity).toBe(entity);
    expect(body.auth).toEqual({
      oidc: {
        okta: 'okta-token-already-there',
        spectrocloud: rs256IdToken,
      },
    });
    expect(oidcTokens(body).spectrocloud).not.toBe(paletteSessionToken);
    await expect(
      providers.getCredentials('oidc.spectrocloud'),
    ).resolves.toEqual({ token: rs256IdToken });
    expect(authRequester).not.toHaveBeenCalled();
    // google and aks stay as kubernetes-react wires them
    await providers.decorateRequestBodyForAuth('google', { entity });
    expect(google.getAccessToken).toHaveBeenCalled();
  });

  it('keeps the other OIDC providers and replaces one named spectrocloud', async () => {
    const spectroCloud = fakeAuthApi('spectrocloud');
    const providers = createSpectroCloudKubernetesAuthProviders({
      spectroCloudAuthApi: spectroCloud,
      googleAuthApi: fakeAuthApi('google'),
      microsoftAuthApi: fakeAuthApi('microsoft'),
      oidcProviders: {
        okta: fakeAuthApi('okta'),
        spectrocloud: fakeAuthApi('impostor'),
      },
    });

    await expect(providers.getCredentials('oidc.okta')).resolves.toEqual({
      token: 'okta-id-token',
    });
    await expect(spectroCloudTokenIn(providers)).resolves.toBe(
      'spectrocloud-id-token',
    );
    await expect(providers.getCredentials('oidc.other')).rejects.toThrow(
      'no oidcProvider configured for oidc.other',
    );
  });
});

describe('legacy frontend system: spectroCloudKubernetesAuthProvidersApiFactory', () => {
  /** How a legacy app registers APIs: plugin factories at 'default', the app's `apis` at 'app'. */
  function resolveLegacyApp(appApis: AnyApiFactory[]): ApiHolder {
    const registry = new ApiFactoryRegistry();
    const { oauthRequestApi } = createFakeOAuthRequestApi();
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
      createApiFactory(configApiRef, mockApis.config()),
    );
    for (const [ref, name] of [
      [gitlabAuthApiRef, 'gitlab'],
      [googleAuthApiRef, 'google'],
      [microsoftAuthApiRef, 'microsoft'],
      [oktaAuthApiRef, 'okta'],
      [oneloginAuthApiRef, 'onelogin'],
    ] as const) {
      registry.register(
        'static',
        createApiFactory(ref, fakeAuthApi(name) as any),
      );
    }
    for (const factory of kubernetesPlugin.getApis()) {
      registry.register('default', factory);
    }
    for (const factory of appApis) {
      registry.register('app', factory);
    }
    return new ApiResolver(registry);
  }

  it('is a factory for kubernetesAuthProvidersApiRef with the stock deps plus spectroCloudAuthApi', () => {
    expect(spectroCloudKubernetesAuthProvidersApiFactory.api).toBe(
      kubernetesAuthProvidersApiRef,
    );
    expect(spectroCloudKubernetesAuthProvidersApiFactory.deps).toEqual({
      gitlabAuthApi: gitlabAuthApiRef,
      googleAuthApi: googleAuthApiRef,
      microsoftAuthApi: microsoftAuthApiRef,
      oktaAuthApi: oktaAuthApiRef,
      oneloginAuthApi: oneloginAuthApiRef,
      spectroCloudAuthApi: spectroCloudAuthApiRef,
    });
  });

  it('the stock Kubernetes plugin alone has no oidc.spectrocloud provider', async () => {
    const apis = resolveLegacyApp([spectroCloudAuthApiFactory]);
    await expect(
      spectroCloudTokenIn(apis.get(kubernetesAuthProvidersApiRef)!),
    ).rejects.toThrow('no oidcProvider configured for oidc.spectrocloud');
  });

  it('in the app apis it overrides the plugin: oidc.spectrocloud gets the ID token, the stock providers stay', async () => {
    server.use(refreshWithSession(paletteSessionToken));
    const apis = resolveLegacyApp([
      spectroCloudAuthApiFactory,
      spectroCloudKubernetesAuthProvidersApiFactory,
    ]);
    const providers = apis.get(kubernetesAuthProvidersApiRef)!;

    await expect(spectroCloudTokenIn(providers)).resolves.toBe(rs256IdToken);
    for (const name of ['gitlab', 'google', 'microsoft', 'okta', 'onelogin']) {
      await expect(providers.getCredentials(`oidc.${name}`)).resolves.toEqual({
        token: `${name}-id-token`,
      });
    }
  });
});

describe('new frontend system: spectroCloudKubernetesAuthModule', () => {
  it('is a module of the kubernetes plugin replacing its api:kubernetes/auth-providers extension', () => {
    expect(spectroCloudKubernetesAuthModule.$$type).toBe(
      '@backstage/FrontendModule',
    );
    expect(spectroCloudKubernetesAuthModule.pluginId).toBe('kubernetes');
    // The stock plugin has an extension of that id, so ours replaces it.
    expect(
      kubernetesAlphaPlugin.getExtension('api:kubernetes/auth-providers'),
    ).toBeDefined();
    const factory = createExtensionTester(
      spectroCloudKubernetesAuthProvidersApi,
    ).get(ApiBlueprint.dataRefs.factory);
    expect(factory.api).toBe(kubernetesAuthProvidersApiRef);
    expect(Object.keys(factory.deps).sort()).toEqual([
      'gitlabAuthApi',
      'googleAuthApi',
      'microsoftAuthApi',
      'oktaAuthApi',
      'oneloginAuthApi',
      'spectroCloudAuthApi',
    ]);
  });

  /**
   * The APIs of a new-frontend-system app (no rendering) with the app
   * plugin's default APIs, the spectrocloud-auth plugin (its session served
   * by msw) and the given features.
   */
  function appApis(features: FrontendFeature[]) {
    return prepareSpecializedApp({
      features: [appPlugin, spectroCloudAuthPlugin, ...features],
      config: new ConfigReader({
        app: { baseUrl: 'http://localhost:3000' },
        backend: { baseUrl: 'http://localhost:7007' },
      }),
    }).getBootstrapApp().apis;
  }

  it('in an app with the Kubernetes plugin, oidc.spectrocloud gets the SpectroCloud ID token', async () => {
    const refreshes: string[] = [];
    server.use(
      refreshWithSession(paletteSessionToken, r => refreshes.push(r.url)),
    );
    const apis = appApis([
      kubernetesAlphaPlugin,
      spectroCloudKubernetesAuthModule,
    ]);

    await expect(
      spectroCloudTokenIn(apis.get(kubernetesAuthProvidersApiRef)!),
    ).resolves.toBe(rs256IdToken);
    expect(new URL(refreshes[0]).pathname).toBe(
      '/api/auth/spectrocloud/refresh',
    );
  });

  it('without the module the stock plugin has no oidc.spectrocloud provider', async () => {
    const apis = appApis([kubernetesAlphaPlugin]);
    await expect(
      spectroCloudTokenIn(apis.get(kubernetesAuthProvidersApiRef)!),
    ).rejects.toThrow('no oidcProvider configured for oidc.spectrocloud');
  });
});
