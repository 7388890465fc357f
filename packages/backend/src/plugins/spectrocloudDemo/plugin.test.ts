import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { spectroCloudTokenCacheServiceRef } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import {
  createMemoryKeyValueStore,
  DefaultSpectroCloudTokenCache,
  SessionStore,
} from '@terasky/backstage-plugin-spectrocloud-token-cache/sessions';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { spectroCloudDemoPlugin } from './plugin';

const PALETTE = 'http://palette.test';
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
// Opaque test value standing in for an HS256 Palette session token.
const ALICE_TOKEN = 'palette-session-token-of-alice.abc123';

const server = setupServer();
beforeAll(() =>
  server.listen({
    // supertest talks to the test backend on localhost; any other unmocked host is a test bug.
    onUnhandledRequest(req, print) {
      if (new URL(req.url).hostname !== '127.0.0.1') {
        print.error();
      }
    },
  }),
);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('spectrocloud-demo backend plugin', () => {
  let tokenCache: DefaultSpectroCloudTokenCache;
  let expiresAt: number;
  const logger = mockServices.logger.mock();

  beforeEach(async () => {
    tokenCache = new DefaultSpectroCloudTokenCache(
      new SessionStore({ kv: createMemoryKeyValueStore(1000) }),
    );
    await tokenCache.deleteSessionToken({ userEntityRef: BOB });
    expiresAt = Math.floor(Date.now() / 1000) + 900;
    await tokenCache.storeSessionToken({
      email: 'alice@example.com',
      token: ALICE_TOKEN,
      expiresAt,
      userEntityRef: ALICE,
    });
    logger.warn.mockClear();
  });

  afterEach(async () => {
    await tokenCache.deleteSessionToken({ userEntityRef: ALICE });
  });

  async function start(timeout: object = { seconds: 10 }) {
    const backend = await startTestBackend({
      features: [
        spectroCloudDemoPlugin,
        mockServices.rootConfig.factory({
          data: { spectrocloud: { apiUrl: `${PALETTE}/`, demo: { timeout } } },
        }),
        logger.factory,
        createServiceFactory({
          service: spectroCloudTokenCacheServiceRef,
          deps: {},
          factory: () => tokenCache,
        }),
      ],
    });
    return backend.server;
  }

  function paletteProjects(
    handler: Parameters<typeof http.get>[1] = ({ request: req }) =>
      req.headers.get('authorization') === ALICE_TOKEN
        ? HttpResponse.json({
            items: [
              {
                metadata: {
                  uid: '65a1a11ce0000000000001a1',
                  name: 'alice-dev',
                },
              },
              {
                metadata: { uid: '65a1a11ce0000000000001a2', name: 'payments' },
              },
            ],
          })
        : HttpResponse.json({ message: 'unauthorized' }, { status: 401 }),
  ) {
    server.use(http.get(`${PALETTE}/v1/projects`, handler));
  }

  it('answers the session expiry of the signed-in user, never the token', async () => {
    const app = await start();
    const res = await request(app)
      .get('/api/spectrocloud-demo/session')
      .set('Authorization', mockCredentials.user.header(ALICE));

    expect(res.status).toBe(200);
    expect(res.body.expiresAt).toBe(expiresAt);
    expect(res.body.expiresInSeconds).toBeGreaterThan(890);
    expect(res.body.expiresInSeconds).toBeLessThanOrEqual(900);
    expect(res.text).not.toContain(ALICE_TOKEN);
  });

  it('answers 401 with the re-auth signal when no session is cached for the caller', async () => {
    const app = await start();
    for (const path of ['session', 'projects']) {
      const res = await request(app)
        .get(`/api/spectrocloud-demo/${path}?email=alice@example.com`)
        .set('Authorization', mockCredentials.user.header(BOB));

      expect(res.status).toBe(401);
      expect(res.headers['x-spectrocloud-reauth-required']).toBe('true');
      expect(res.body.error.name).toBe('SpectroCloudSessionRequiredError');
      expect(res.text).not.toContain(ALICE_TOKEN);
    }
  });

  it('refuses callers without user credentials', async () => {
    const app = await start();
    const anonymous = await request(app)
      .get('/api/spectrocloud-demo/session')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);

    const service = await request(app)
      .get('/api/spectrocloud-demo/projects')
      .set('Authorization', mockCredentials.service.header());
    expect(service.status).toBe(403);
  });

  it('lists the Palette projects with the cached session token (no Bearer)', async () => {
    paletteProjects();
    const app = await start();
    const res = await request(app)
      .get('/api/spectrocloud-demo/projects')
      .set('Authorization', mockCredentials.user.header(ALICE));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { uid: '65a1a11ce0000000000001a1', name: 'alice-dev' },
        { uid: '65a1a11ce0000000000001a2', name: 'payments' },
      ],
    });
  });

  it('answers 401 JSON when Palette rejects the token', async () => {
    paletteProjects(() =>
      HttpResponse.json({ message: 'expired' }, { status: 401 }),
    );
    const app = await start();
    const res = await request(app)
      .get('/api/spectrocloud-demo/projects')
      .set('Authorization', mockCredentials.user.header(ALICE));

    expect(res.status).toBe(401);
    expect(res.headers['x-spectrocloud-reauth-required']).toBe('true');
    expect(res.body.error.name).toBe('SpectroCloudSessionRequiredError');
    expect(res.text).not.toContain(ALICE_TOKEN);
  });

  it('answers 504 JSON when Palette does not answer within the configured timeout', async () => {
    paletteProjects(async () => {
      await delay(2000);
      return HttpResponse.json({ items: [] });
    });
    const app = await start({ milliseconds: 200 });
    const started = Date.now();
    const res = await request(app)
      .get('/api/spectrocloud-demo/projects')
      .set('Authorization', mockCredentials.user.header(ALICE));

    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(res.body.error.message).toBe(
      'Palette API did not answer GET /v1/projects within 200 ms',
    );
  });

  it('answers 502 JSON when Palette cannot be reached, and logs no token', async () => {
    paletteProjects(() => HttpResponse.error());
    const app = await start();
    const res = await request(app)
      .get('/api/spectrocloud-demo/projects')
      .set('Authorization', mockCredentials.user.header(ALICE));

    expect(res.status).toBe(502);
    expect(res.body.error.message).toBe(
      `Could not reach the Palette API at ${PALETTE}`,
    );
    expect(logger.warn).toHaveBeenCalledTimes(1);
    const logged = JSON.stringify(logger.warn.mock.calls);
    expect(logged).toContain(ALICE);
    expect(logged).not.toContain(ALICE_TOKEN);
    expect(logged).not.toContain('alice@example.com');
  });

  it('answers 502 JSON when Palette answers without an items array', async () => {
    paletteProjects(() => HttpResponse.text('<html>maintenance</html>'));
    const app = await start();
    const res = await request(app)
      .get('/api/spectrocloud-demo/projects')
      .set('Authorization', mockCredentials.user.header(ALICE));

    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/without an items array/);
  });
});
