/**
 * The published `@terasky/backstage-plugin-spectrocloud-backend@0.10.0` (installed from npm,
 * pinned) running in one backend with the REAL auth plugin + our spectrocloud auth module,
 * against the mock Palette. That plugin reads Palette session tokens from
 * `globalThis.__SPECTROCLOUD_TOKEN_CACHE__` by the email in the request header
 * `x-spectrocloud-user-email` and answers `X-SpectroCloud-ReAuth-Required: true` when it finds
 * none. Its `GET /clusters` calls Palette `GET /v1/users/me` first: the mock records the
 * credentials it got.
 */
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { MockPalette, startMockPalette } from '@internal/mock-palette';
import authModuleSpectroCloudProvider from '@terasky/backstage-plugin-spectrocloud-auth-backend';
import spectroCloudBackendPlugin from '@terasky/backstage-plugin-spectrocloud-backend';
import {
  getGlobalTokenMap,
  spectroCloudVerifiedEmailHeaderModule,
} from '@terasky/backstage-plugin-spectrocloud-token-cache/legacy';
import { logOut, signIn, SignedInUser } from './signIn';

jest.setTimeout(60_000);

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const API_KEY = 'static-palette-api-key';

/**
 * Another backend plugin: `GET /api/caller/clusters` calls the spectrocloud plugin with its own
 * service credentials, naming alice in the email header and sending the token header.
 */
const serviceCaller = createBackendPlugin({
  pluginId: 'caller',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        httpRouter: coreServices.httpRouter,
      },
      async init({ auth, discovery, httpRouter }) {
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
        httpRouter.use(async (req, res) => {
          const { token } = await auth.getPluginRequestToken({
            onBehalfOf: await auth.getOwnServiceCredentials(),
            targetPluginId: 'spectrocloud',
          });
          const upstream = await fetch(
            `${await discovery.getBaseUrl('spectrocloud')}/clusters`,
            {
              headers: {
                Authorization: `Bearer ${token}`,
                'x-spectrocloud-user-email': ALICE,
                'x-spectrocloud-token': String(req.headers['x-palette-token']),
              },
            },
          );
          res.status(upstream.status).json(await upstream.json());
        });
      },
    });
  },
});

/** Closes the auth plugin's SQLite client on stop, or knex keeps the jest worker alive. */
const closeAuthDatabaseOnShutdown = createBackendModule({
  pluginId: 'auth',
  moduleId: 'test-close-database',
  register(reg) {
    reg.registerInit({
      deps: {
        database: coreServices.database,
        lifecycle: coreServices.lifecycle,
      },
      async init({ database, lifecycle }) {
        lifecycle.addShutdownHook(async () => {
          await (await database.getClient()).destroy();
        });
      },
    });
  },
});

function user(name: string, email: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { profile: { email }, memberOf: [] },
  };
}

async function startPortal(
  palette: MockPalette,
  options: { legacyGlobalMap?: boolean; headerGuard?: boolean },
) {
  // The real auth and httpAuth services (the test defaults accept mock tokens only), verifying
  // user tokens with the auth plugin's JWKS, fetched through discovery at the backend's real port;
  // the external URL stays `backend.baseUrl`, from which the auth plugin builds its callback URL.
  let base = '';
  const backend = await startTestBackend({
    features: [
      authServiceFactory,
      httpAuthServiceFactory,
      createServiceFactory({
        service: coreServices.discovery,
        deps: {},
        factory: () => ({
          getBaseUrl: async (pluginId: string) => `${base}/api/${pluginId}`,
          getExternalBaseUrl: async (pluginId: string) =>
            `http://localhost:7007/api/${pluginId}`,
        }),
      }),
      authPlugin,
      authModuleSpectroCloudProvider,
      closeAuthDatabaseOnShutdown,
      spectroCloudBackendPlugin,
      ...(options.headerGuard
        ? [spectroCloudVerifiedEmailHeaderModule, serviceCaller]
        : []),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          backend: { baseUrl: 'http://localhost:7007' },
          auth: {
            environment: 'development',
            providers: {
              spectrocloud: {
                development: {
                  clientId: palette.clientId,
                  clientSecret: palette.clientSecret,
                  authorizationUrl: palette.authorizationUrl,
                  signIn: {
                    resolvers: [
                      { resolver: 'emailMatchingUserEntityProfileEmail' },
                    ],
                  },
                },
              },
            },
          },
          spectrocloud: {
            tokenCache: { legacyGlobalMap: options.legacyGlobalMap ?? false },
            // the published plugin's own settings
            environments: [
              { url: palette.url, tenant: 'demo-tenant', apiToken: API_KEY },
            ],
          },
        },
      }),
      catalogServiceMock.factory({
        entities: [user('alice', ALICE), user('bob', BOB)],
      }),
    ],
  });
  const { port } = backend.server.address() as { port: number };
  base = `http://localhost:${port}`;
  const getClusters = (
    caller: SignedInUser,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${base}/api/spectrocloud/clusters`, {
      headers: { Authorization: `Bearer ${caller.backstageToken}`, ...headers },
      signal: AbortSignal.timeout(15_000),
    });
  return { backend, base, getClusters };
}

let palette: MockPalette;
beforeAll(async () => {
  palette = await startMockPalette({ port: 0 });
});
afterAll(() => palette?.close());
beforeEach(() => {
  palette.resetCalls();
  getGlobalTokenMap().clear();
});

/** The credentials of the requests the mock Palette received, in order. */
const paletteCredentials = () =>
  palette.apiRequests.map(r => ({
    path: r.path,
    authorization: r.authorization,
    apiKey: r.apiKey,
  }));

describe('the published spectrocloud-backend plugin, with legacyGlobalMap: true', () => {
  let portal: Awaited<ReturnType<typeof startPortal>>;
  beforeAll(async () => {
    portal = await startPortal(palette, { legacyGlobalMap: true });
  });
  afterAll(() => portal?.backend.stop());

  it("calls Palette with the signed-in user's session token, then asks for a re-auth after logout", async () => {
    const alice = await signIn(portal.base, palette, ALICE);
    expect(alice.paletteSessionToken).toMatch(/^eyJ/);

    // the header as the frontend sends it: the profile email, as Palette spelled it
    for (const asSent of [ALICE, 'Alice@Example.com']) {
      palette.resetCalls();
      const res = await portal.getClusters(alice, {
        'x-spectrocloud-user-email': asSent,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-spectrocloud-reauth-required')).toBeNull();
      expect(await res.json()).toEqual({ clusters: [] });
      expect(paletteCredentials()).toEqual([
        {
          path: '/v1/users/me',
          authorization: alice.paletteSessionToken,
          apiKey: undefined,
        },
      ]);
    }

    await logOut(portal.base, alice);
    palette.resetCalls();
    const after = await portal.getClusters(alice, {
      'x-spectrocloud-user-email': ALICE,
    });
    expect(after.headers.get('x-spectrocloud-reauth-required')).toBe('true');
    // it falls back to its configured API key: never alice's ended session token
    expect(paletteCredentials()).toEqual([
      { path: '/v1/users/me', authorization: undefined, apiKey: API_KEY },
    ]);
  });

  it("lets any signed-in user use another user's token by naming them in the header (the risk)", async () => {
    const alice = await signIn(portal.base, palette, ALICE);
    const bob = await signIn(portal.base, palette, BOB);
    const res = await portal.getClusters(bob, {
      'x-spectrocloud-user-email': ALICE,
    });
    expect(res.status).toBe(200);
    expect(paletteCredentials()).toEqual([
      {
        path: '/v1/users/me',
        authorization: alice.paletteSessionToken,
        apiKey: undefined,
      },
    ]);
    await logOut(portal.base, alice);
    await logOut(portal.base, bob);
  });
});

describe('the published spectrocloud-backend plugin, legacyGlobalMap off (the default)', () => {
  it('finds no token: it answers with the re-auth header and never sends a user token', async () => {
    const portal = await startPortal(palette, {});
    try {
      const alice = await signIn(portal.base, palette, ALICE);
      const res = await portal.getClusters(alice, {
        'x-spectrocloud-user-email': ALICE,
      });
      expect(res.headers.get('x-spectrocloud-reauth-required')).toBe('true');
      expect(paletteCredentials()).toEqual([
        { path: '/v1/users/me', authorization: undefined, apiKey: API_KEY },
      ]);
    } finally {
      await portal.backend.stop();
    }
  });
});

describe('spectroCloudVerifiedEmailHeaderModule without legacyGlobalMap: true', () => {
  it('stops the backend at startup instead of letting every user act with the shared apiToken', async () => {
    // Without the map the plugin finds no user token, so it would call Palette with its
    // configured apiToken for every signed-in user (and log their email at warn).
    await expect(
      startPortal(palette, { legacyGlobalMap: false, headerGuard: true }),
    ).rejects.toThrow(/spectrocloud\.tokenCache\.legacyGlobalMap/);
    expect(palette.apiRequests).toEqual([]);
  });
});

describe('the published plugin with spectroCloudVerifiedEmailHeaderModule', () => {
  let portal: Awaited<ReturnType<typeof startPortal>>;
  beforeAll(async () => {
    portal = await startPortal(palette, {
      legacyGlobalMap: true,
      headerGuard: true,
    });
  });
  afterAll(() => portal?.backend.stop());

  it('gives each caller their own token, whatever email or token headers they send', async () => {
    const alice = await signIn(portal.base, palette, ALICE);
    const bob = await signIn(portal.base, palette, BOB);

    const res = await portal.getClusters(bob, {
      'x-spectrocloud-user-email': ALICE,
      'x-spectrocloud-token': alice.paletteSessionToken,
    });
    expect(res.status).toBe(200);
    expect(paletteCredentials()).toEqual([
      {
        path: '/v1/users/me',
        authorization: bob.paletteSessionToken,
        apiKey: undefined,
      },
    ]);

    palette.resetCalls();
    expect((await portal.getClusters(alice)).status).toBe(200);
    expect(paletteCredentials()).toEqual([
      {
        path: '/v1/users/me',
        authorization: alice.paletteSessionToken,
        apiKey: undefined,
      },
    ]);
    await logOut(portal.base, bob);
    await logOut(portal.base, alice);
  });

  it('answers a user whose session ended with 401 and the re-auth header, without calling Palette', async () => {
    const alice = await signIn(portal.base, palette, ALICE);
    const bob = await signIn(portal.base, palette, BOB);
    await logOut(portal.base, alice);
    palette.resetCalls();

    const res = await portal.getClusters(alice, {
      'x-spectrocloud-user-email': BOB,
      'x-spectrocloud-token': bob.paletteSessionToken,
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-spectrocloud-reauth-required')).toBe('true');
    expect((await res.json()).error.name).toBe(
      'SpectroCloudSessionRequiredError',
    );
    expect(palette.apiRequests).toEqual([]);
    await logOut(portal.base, bob);
  });

  it('guards every path that reaches the plugin (any case, trailing slash, query string)', async () => {
    const alice = await signIn(portal.base, palette, ALICE);
    const bob = await signIn(portal.base, palette, BOB);
    for (const path of [
      '/api/spectrocloud/Clusters',
      '/api/SpectroCloud/clusters',
      '/api/spectrocloud/clusters/',
      '/api/spectrocloud/clusters?x-spectrocloud-user-email=alice@example.com',
    ]) {
      palette.resetCalls();
      const res = await fetch(`${portal.base}${path}`, {
        headers: {
          Authorization: `Bearer ${bob.backstageToken}`,
          'X-SpectroCloud-User-Email': ALICE,
          'X-SPECTROCLOUD-TOKEN': alice.paletteSessionToken,
        },
      });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(paletteCredentials()).toEqual([
        {
          path: '/v1/users/me',
          authorization: bob.paletteSessionToken,
          apiKey: undefined,
        },
      ]);
    }
    await logOut(portal.base, bob);
    await logOut(portal.base, alice);
  });

  it("gives another plugin's service call the configured apiToken, never the named user's token", async () => {
    const alice = await signIn(portal.base, palette, ALICE);
    palette.resetCalls();
    const res = await fetch(`${portal.base}/api/caller/clusters`, {
      headers: { 'x-palette-token': alice.paletteSessionToken },
    });
    // (the mock Palette answers the API key on /v1/users/me with 401: the plugin says 500)
    expect(res.status).toBe(500);
    expect(paletteCredentials()).toEqual([
      { path: '/v1/users/me', authorization: undefined, apiKey: API_KEY },
    ]);
    await logOut(portal.base, alice);
  });

  it('keeps the unauthenticated health route open', async () => {
    const res = await fetch(`${portal.base}/api/spectrocloud/health`);
    expect(res.status).toBe(200);
  });
});
