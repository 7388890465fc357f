import { ConfigReader } from '@backstage/config';
import { createApp } from '@backstage/frontend-defaults';
import {
  ApiBlueprint,
  type FrontendFeature,
} from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { render, screen, waitFor } from '@testing-library/react';
import { setupServer } from 'msw/node';
import spectroCloudAuthPlugin, {
  createSpectroCloudSignInPageModule,
  spectroCloudAuthApi,
  spectroCloudAuthApiRef,
  spectroCloudSignInPageModule,
} from '../alpha';
import { SpectroCloudAuth } from '../api/SpectroCloudAuth';
import {
  createFakeOAuthRequestApi,
  fakeDiscoveryApi,
  refreshWithoutSession,
} from '../__testUtils__/fakes';

const server = setupServer();
registerMswTestHooks(server);

describe('new frontend system exports', () => {
  it('spectroCloudAuthApi outputs a factory for spectroCloudAuthApiRef', () => {
    const factory = createExtensionTester(spectroCloudAuthApi).get(
      ApiBlueprint.dataRefs.factory,
    );

    expect(factory.api).toBe(spectroCloudAuthApiRef);
    expect(Object.keys(factory.deps).sort()).toEqual([
      'configApi',
      'discoveryApi',
      'oauthRequestApi',
    ]);
    const { oauthRequestApi } = createFakeOAuthRequestApi();
    const api = factory.factory({
      discoveryApi: fakeDiscoveryApi,
      oauthRequestApi,
      configApi: mockApis.config(),
    });
    expect(api).toBeInstanceOf(SpectroCloudAuth);
  });

  it('the default export is the spectrocloud-auth plugin holding the API extension', () => {
    expect(spectroCloudAuthPlugin.$$type).toBe('@backstage/FrontendPlugin');
    expect(spectroCloudAuthPlugin.pluginId).toBe('spectrocloud-auth');
    expect(
      spectroCloudAuthPlugin.getExtension('api:spectrocloud-auth/spectrocloud'),
    ).toBeDefined();
  });

  it('the sign-in page modules are modules of the app plugin', () => {
    for (const module of [
      spectroCloudSignInPageModule,
      createSpectroCloudSignInPageModule({ title: 'Palette', auto: true }),
    ]) {
      expect(module.$$type).toBe('@backstage/FrontendModule');
      expect(module.pluginId).toBe('app');
    }
  });
});

describe('new frontend system app with the plugin and the sign-in page module', () => {
  // Material UI v4 (core-components) warns about findDOMNode under the new
  // app's StrictMode; only that known warning is dropped.
  // eslint-disable-next-line no-console
  const consoleError = console.error;
  let errorSpy: jest.SpyInstance;
  beforeEach(() => {
    errorSpy = jest
      .spyOn(console, 'error')
      .mockImplementation((...args: unknown[]) => {
        if (!String(args[0]).includes('findDOMNode is deprecated')) {
          consoleError(...args);
        }
      });
  });
  afterEach(() => errorSpy.mockRestore());

  function renderApp(features: FrontendFeature[]) {
    const app = createApp({
      features,
      advanced: {
        configLoader: async () => ({
          config: new ConfigReader({
            app: { title: 'Test Portal', baseUrl: 'http://localhost:3000' },
            backend: { baseUrl: 'http://localhost:7007' },
          }),
        }),
      },
    });
    return render(app.createRoot());
  }

  it('shows the SpectroCloud card (no guest, no auto popup) after a silent refresh', async () => {
    const refreshUrls: string[] = [];
    server.use(refreshWithoutSession(r => refreshUrls.push(r.url)));
    const openSpy = jest.spyOn(window, 'open').mockReturnValue(null);

    renderApp([spectroCloudAuthPlugin, spectroCloudSignInPageModule]);

    expect(
      await screen.findByText('Sign in using SpectroCloud Palette', undefined, {
        timeout: 10000,
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('SpectroCloud')).toBeInTheDocument();
    expect(screen.queryByText(/guest/i)).not.toBeInTheDocument();
    await waitFor(() => expect(refreshUrls).toHaveLength(1));
    const url = new URL(refreshUrls[0]);
    expect(url.pathname).toBe('/api/auth/spectrocloud/refresh');
    expect(url.searchParams.has('optional')).toBe(true);
    expect(openSpy).not.toHaveBeenCalled();
    openSpy.mockRestore();
  });

  it('uses the title and message given to createSpectroCloudSignInPageModule', async () => {
    server.use(refreshWithoutSession());

    renderApp([
      spectroCloudAuthPlugin,
      createSpectroCloudSignInPageModule({
        title: 'Palette SSO',
        message: 'Use your Palette account',
      }),
    ]);

    expect(
      await screen.findByText('Use your Palette account', undefined, {
        timeout: 10000,
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('Palette SSO')).toBeInTheDocument();
  });

  it('keeps guest sign-in next to SpectroCloud with additionalProviders', async () => {
    server.use(refreshWithoutSession());

    renderApp([
      spectroCloudAuthPlugin,
      createSpectroCloudSignInPageModule({ additionalProviders: ['guest'] }),
    ]);

    expect(
      await screen.findByText('Sign in using SpectroCloud Palette', undefined, {
        timeout: 10000,
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('Guest')).toBeInTheDocument();
    expect(
      screen.getAllByRole('button', { name: /sign in|enter/i }),
    ).toHaveLength(2);
  });

  it('opens the sign-in popup on load when auto is true', async () => {
    server.use(refreshWithoutSession());
    const openSpy = jest.spyOn(window, 'open').mockReturnValue(null);

    renderApp([
      spectroCloudAuthPlugin,
      createSpectroCloudSignInPageModule({ auto: true }),
    ]);

    await waitFor(() => expect(openSpy).toHaveBeenCalledTimes(1), {
      timeout: 10000,
    });
    const popupUrl = new URL(openSpy.mock.calls[0][0] as string);
    expect(popupUrl.pathname).toBe('/api/auth/spectrocloud/start');
    expect(popupUrl.searchParams.get('scope')).toBe('openid profile email');
    expect(popupUrl.searchParams.get('flow')).toBe('popup');
    openSpy.mockRestore();
  });
});
