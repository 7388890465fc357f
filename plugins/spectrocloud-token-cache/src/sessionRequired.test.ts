import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  requireSessionTokenForRequest,
  SpectroCloudSessionRequiredError,
} from './sessionRequired';

const ENTRY = { token: 'palette-session-a', expiresAt: 1_900_000_000 };

/** A backend with one plugin whose `GET /api/palette/token-expiry` uses the helper. */
async function startPaletteCaller() {
  const tokenCache = {
    getSessionTokenForUser: jest.fn(async (ref: string) =>
      ref === 'user:default/alice' ? ENTRY : undefined,
    ),
  };
  const backend = await startTestBackend({
    features: [
      mockServices.rootConfig.factory({ data: {} }),
      createBackendPlugin({
        pluginId: 'palette',
        register(reg) {
          reg.registerInit({
            deps: {
              httpAuth: coreServices.httpAuth,
              httpRouter: coreServices.httpRouter,
            },
            async init({ httpAuth, httpRouter }) {
              httpRouter.use((req, res, next) => {
                requireSessionTokenForRequest(req, res, {
                  httpAuth,
                  tokenCache,
                }).then(
                  ({ userEntityRef, entry }) =>
                    res.json({ userEntityRef, expiresAt: entry.expiresAt }),
                  next,
                );
              });
            },
          });
        },
      }),
    ],
  });
  const { port } = backend.server.address() as { port: number };
  const get = (authorization: string) =>
    fetch(`http://localhost:${port}/api/palette/token-expiry`, {
      headers: { authorization },
    });
  return { backend, get, tokenCache };
}

describe('requireSessionTokenForRequest', () => {
  it("returns the caller's own session token", async () => {
    const { backend, get } = await startPaletteCaller();
    const res = await get(mockCredentials.user.header('user:default/alice'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-spectrocloud-reauth-required')).toBeNull();
    expect(await res.json()).toEqual({
      userEntityRef: 'user:default/alice',
      expiresAt: ENTRY.expiresAt,
    });
    await backend.stop();
  });

  it('answers a user without a Palette session with 401, the typed error and the re-auth header', async () => {
    const { backend, get } = await startPaletteCaller();
    const res = await get(mockCredentials.user.header('user:default/bob'));
    expect(res.status).toBe(401);
    expect(res.headers.get('x-spectrocloud-reauth-required')).toBe('true');
    const body = await res.json();
    expect(body.error.name).toBe('SpectroCloudSessionRequiredError');
    expect(body.error.message).not.toContain('bob');
    expect(body.response).toEqual({ statusCode: 401 });
    await backend.stop();
  });

  it('answers a caller without user credentials without the re-auth header (a Backstage sign-in is missing, not a Palette one)', async () => {
    const { backend, get, tokenCache } = await startPaletteCaller();
    const res = await get(mockCredentials.service.header());
    expect(res.status).toBe(403);
    expect(res.headers.get('x-spectrocloud-reauth-required')).toBeNull();
    expect(tokenCache.getSessionTokenForUser).not.toHaveBeenCalled();
    await backend.stop();
  });

  it('is an Error with status 401 and a message that names nobody', () => {
    const error = new SpectroCloudSessionRequiredError();
    expect(error).toBeInstanceOf(Error);
    expect(error.statusCode).toBe(401);
    expect(error.name).toBe('SpectroCloudSessionRequiredError');
    expect(error.message).toBe(
      'No SpectroCloud Palette session is active for this user: sign in again',
    );
    expect(SpectroCloudSessionRequiredError.headerName).toBe(
      'X-SpectroCloud-ReAuth-Required',
    );
  });
});
