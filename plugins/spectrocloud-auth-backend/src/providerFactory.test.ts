import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  AuthResolverContext,
  commonSignInResolvers,
  SignInResolverFactory,
} from '@backstage/plugin-auth-node';
import {
  createMemoryKeyValueStore,
  DefaultSpectroCloudTokenCache,
  KeyValueStore,
  SessionStore,
  SessionStoreUnavailableError,
} from '@terasky/backstage-plugin-spectrocloud-token-cache/sessions';
import express from 'express';
import { UnsecuredJWT } from 'jose';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { SPECTROCLOUD_API_TOKEN_COOKIE } from './apiTokenCookie';
import {
  createSpectroCloudProviderFactory,
  wrapSignInResolverFactory,
} from './providerFactory';
import { createFakePalette, FakePalette } from './__testUtils__/fakePalette';

const server = setupServer();
let palette: FakePalette;

beforeAll(async () => {
  palette = await createFakePalette();
  server.listen({ onUnhandledRequest: 'bypass' });
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function memoryCache(kv: KeyValueStore = createMemoryKeyValueStore(1000)) {
  return new DefaultSpectroCloudTokenCache(new SessionStore({ kv }));
}

/** The in-process store with a switch that makes it fail like a shared store that is down. */
function switchableKv() {
  const inner = createMemoryKeyValueStore(1000);
  const control = { down: false };
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (control.down) throw new SessionStoreUnavailableError();
      return fn(...args);
    };
  const kv: KeyValueStore = {
    get: guard(inner.get),
    set: guard(inner.set),
    delete: guard(inner.delete),
    setIfAbsent: guard(inner.setIfAbsent),
  };
  return { kv, control };
}

function maxAgeOf(cookie: string | undefined): number {
  return Number(/Max-Age=(\d+)/.exec(cookie ?? '')?.[1]);
}

const resolverContext = {
  issueToken: async ({ claims }: { claims: Record<string, unknown> }) => ({
    token: new UnsecuredJWT(claims).encode(),
  }),
} as unknown as AuthResolverContext;

/** Mounts the provider like the auth backend does, with a minimal cookie parser. */
function mount(options: {
  baseUrl: string;
  envConfig?: Record<string, unknown>;
  factoryOptions?: Partial<
    Parameters<typeof createSpectroCloudProviderFactory>[0]
  >;
  kv?: KeyValueStore;
}) {
  const cache = memoryCache(options.kv);
  const factory = createSpectroCloudProviderFactory({
    tokenCache: cache,
    logger: mockServices.logger.mock(),
    ...options.factoryOptions,
  });
  const handlers = factory({
    providerId: 'spectrocloud',
    baseUrl: options.baseUrl,
    appUrl: 'https://app.test',
    isOriginAllowed: () => true,
    globalConfig: {} as any,
    logger: mockServices.logger.mock(),
    resolverContext,
    config: new ConfigReader({
      development: {
        clientId: palette.clientId,
        clientSecret: palette.clientSecret,
        authorizationUrl: palette.authorizationUrl,
        ...options.envConfig,
      },
    }),
  });
  const app = express();
  app.use((req, _res, next) => {
    (req as any).cookies = Object.fromEntries(
      (req.headers.cookie ?? '')
        .split(/;\s*/)
        .filter(Boolean)
        .map(c => {
          const i = c.indexOf('=');
          return [c.slice(0, i), decodeURIComponent(c.slice(i + 1))];
        }),
    );
    next();
  });
  app.get('/start', (req, res, next) => handlers.start(req, res).catch(next));
  app.get('/handler/frame', (req, res, next) =>
    handlers.frameHandler(req, res).catch(next),
  );
  app.post('/logout', (req, res, next) =>
    handlers.logout!(req, res).catch(next),
  );
  // The error middleware Backstage puts behind every plugin router (ServiceUnavailableError: 503).
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error(),
  );
  return { app, cache };
}

async function signIn(app: express.Express) {
  const sessionToken = await palette.sessionToken({
    email: 'alice@example.com',
    exp: Math.floor(Date.now() / 1000) + 900,
  });
  const start = await request(app).get('/start?env=development');
  expect(start.status).toBe(302);
  const url = new URL(start.headers.location);
  const nonceCookie = ([] as string[])
    .concat(start.headers['set-cookie'] as any)
    .filter(
      c =>
        c.startsWith('spectrocloud-nonce=') &&
        !c.startsWith('spectrocloud-nonce=;'),
    )
    .pop()!;
  server.use(
    ...palette.handlers,
    http.post(palette.tokenUrl, async () =>
      HttpResponse.json({
        access_token: 'opaque-access-token',
        token_type: 'bearer',
        id_token: await palette.idToken({
          nonce: url.searchParams.get('nonce')!,
        }),
        refresh_token: sessionToken,
      }),
    ),
  );
  const frame = await request(app)
    .get(
      `/handler/frame?${new URLSearchParams({
        code: 'code-1',
        state: url.searchParams.get('state')!,
      })}`,
    )
    .set('Cookie', nonceCookie.split(';')[0]);
  const cookies = ([] as string[]).concat(
    (frame.headers['set-cookie'] as any) ?? [],
  );
  return { frame, cookies, sessionToken };
}

describe('createSpectroCloudProviderFactory', () => {
  it('marks the API token cookie Secure when the callback URL is https', async () => {
    const { app, cache } = mount({
      baseUrl: 'https://backstage.test/api/auth',
      factoryOptions: {
        signInResolver: async (_info, ctx) =>
          ctx.issueToken({ claims: { sub: 'user:default/alice', ent: [] } }),
      },
    });
    const { cookies, sessionToken } = await signIn(app);
    const apiCookie = cookies.find(c =>
      c.startsWith(`${SPECTROCLOUD_API_TOKEN_COOKIE}=`),
    )!;
    expect(apiCookie).toMatch(/; Secure/);
    await expect(
      cache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toEqual({ token: sessionToken, expiresAt: expect.any(Number) });
  });

  it("gives the API token cookie the token's lifetime and the refresh cookie the session's", async () => {
    const { app } = mount({
      baseUrl: 'http://localhost:7007/api/auth',
      factoryOptions: {
        signInResolver: async (_info, ctx) =>
          ctx.issueToken({ claims: { sub: 'user:default/alice' } }),
      },
    });
    const { cookies } = await signIn(app); // session token lives 900 s
    const apiMaxAge = maxAgeOf(
      cookies.find(c => c.startsWith(`${SPECTROCLOUD_API_TOKEN_COOKIE}=`)),
    );
    expect(apiMaxAge).toBeGreaterThan(890);
    expect(apiMaxAge).toBeLessThanOrEqual(900);
    // Default sessionDuration: 12 h (Backstage's own default would be 1000 days).
    expect(
      maxAgeOf(
        cookies.find(
          c =>
            c.startsWith('spectrocloud-refresh-token=') &&
            !c.startsWith('spectrocloud-refresh-token=;'),
        ),
      ),
    ).toBe(12 * 3600);
  });

  it('follows a per-environment https callbackUrl', async () => {
    const { app } = mount({
      baseUrl: 'http://localhost:7007/api/auth',
      envConfig: {
        callbackUrl:
          'https://backstage.test/api/auth/spectrocloud/handler/frame',
      },
      factoryOptions: {
        signInResolver: async (_info, ctx) =>
          ctx.issueToken({ claims: { sub: 'user:default/alice' } }),
      },
    });
    const { cookies } = await signIn(app);
    expect(
      cookies.find(c => c.startsWith(`${SPECTROCLOUD_API_TOKEN_COOKIE}=`)),
    ).toMatch(/; Secure/);
  });

  it('ends the record and sets no cookie when the code-provided resolver fails', async () => {
    const { app, cache } = mount({
      baseUrl: 'http://localhost:7007/api/auth',
      factoryOptions: {
        signInResolver: async () => {
          throw new Error('no such user');
        },
      },
    });
    const create = jest.spyOn(cache.sessions, 'create');
    const { frame, cookies } = await signIn(app);
    expect(create).toHaveBeenCalledTimes(1);
    // The record holding the Palette token of the refused sign-in is ended at once.
    await expect(
      cache.sessions.get(create.mock.calls[0][0].id),
    ).resolves.toMatchObject({ state: 'ended' });
    expect(decodeURIComponent(frame.text)).toContain(
      '"message":"no such user"',
    );
    expect(
      cookies.some(c => c.startsWith(`${SPECTROCLOUD_API_TOKEN_COOKIE}=`)),
    ).toBe(false);
    await expect(
      cache.getSessionTokenByEmail('alice@example.com'),
    ).resolves.toBeUndefined();
  });

  it('answers a logout it could not record with a 503 and keeps every cookie', async () => {
    const { kv, control } = switchableKv();
    const { app, cache } = mount({
      baseUrl: 'http://localhost:7007/api/auth',
      kv,
      factoryOptions: {
        signInResolver: async (_info, ctx) =>
          ctx.issueToken({ claims: { sub: 'user:default/alice' } }),
      },
    });
    const { cookies, sessionToken } = await signIn(app);
    const jar = cookies
      .filter(c => !/^[^=]+=;/.test(c))
      .map(c => c.split(';')[0]);
    expect(jar.map(c => c.split('=')[0]).sort()).toEqual([
      SPECTROCLOUD_API_TOKEN_COOKIE,
      'spectrocloud-refresh-token',
    ]);
    const logout = () =>
      request(app)
        .post('/logout?env=development')
        .set('Cookie', jar)
        .set('X-Requested-With', 'XMLHttpRequest');

    control.down = true;
    const failed = await logout();
    expect(failed.status).toBe(503);
    expect(failed.body.error).toMatchObject({
      name: 'ServiceUnavailableError',
    });
    expect(failed.headers['set-cookie']).toBeUndefined();

    // The retry once the store answers ends the session and clears both cookies.
    control.down = false;
    await expect(
      cache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toMatchObject({ token: sessionToken });
    const retried = await logout();
    expect(retried.status).toBe(200);
    const cleared = ([] as string[]).concat(retried.headers['set-cookie']);
    expect(cleared.map(c => c.split(';')[0]).sort()).toEqual([
      `${SPECTROCLOUD_API_TOKEN_COOKIE}=`,
      'spectrocloud-refresh-token=',
    ]);
    await expect(
      cache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toBeUndefined();
  });

  it('wraps config-selected resolver factories and keeps their options schema', async () => {
    const seen: unknown[] = [];
    const custom: SignInResolverFactory = Object.assign(
      (options?: { team: string }) =>
        async (_info: unknown, ctx: AuthResolverContext) => {
          seen.push(options);
          return ctx.issueToken({
            claims: { sub: `user:default/${options!.team}-lead` },
          });
        },
      { optionsJsonSchema: { type: 'object' } },
    );
    const { app, cache } = mount({
      baseUrl: 'http://localhost:7007/api/auth',
      envConfig: {
        signIn: { resolvers: [{ resolver: 'teamLead', team: 'platform' }] },
      },
      factoryOptions: { signInResolverFactories: { teamLead: custom } },
    });
    const { cookies } = await signIn(app);
    expect(seen).toEqual([{ team: 'platform' }]);
    await expect(
      cache.getSessionTokenForUser('user:default/platform-lead'),
    ).resolves.toBeDefined();
    expect(
      cookies.some(c => c.startsWith(`${SPECTROCLOUD_API_TOKEN_COOKIE}=`)),
    ).toBe(true);
  });

  it('keeps the options JSON schema of wrapped factories', () => {
    const original = commonSignInResolvers.emailMatchingUserEntityProfileEmail;
    const wrapped = wrapSignInResolverFactory(original, async () => {});
    expect(wrapped).not.toBe(original);
    expect(original.optionsJsonSchema).toBeDefined();
    expect(wrapped.optionsJsonSchema).toBe(original.optionsJsonSchema);
  });
});
