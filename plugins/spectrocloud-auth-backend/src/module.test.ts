import { MockPalette, startMockPalette } from '@internal/mock-palette';
import { SpectroCloudTokenCache } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import request from 'supertest';
import { SPECTROCLOUD_API_TOKEN_COOKIE } from './index';
import {
  cookie,
  cookieValue,
  cookiesSetWithValue,
} from './__testUtils__/browserCookies';
import { createLogCapture } from './__testUtils__/logCapture';
import {
  approveFlow,
  framePayload,
  sendCallback,
  startFlow,
} from './__testUtils__/signInFlow';
import {
  paletteProviderConfig,
  startSpectroCloudTestBackend,
} from './__testUtils__/testBackend';

/** Every log line of the backend, with its metadata, as text. */
const { lines: logLines, logger } = createLogCapture();
/** Values that must never be logged. */
const secrets = new Set<string>();

let palette: MockPalette;
let server: any;
let tokenCache: SpectroCloudTokenCache;
let stopBackend: () => Promise<void>;

beforeAll(async () => {
  palette = await startMockPalette({ port: 0 });
  const backend = await startSpectroCloudTestBackend({
    logger,
    providers: { development: paletteProviderConfig(palette) },
  });
  server = backend.server;
  tokenCache = backend.tokenCache;
  stopBackend = backend.stop;
}, 60_000);

afterAll(async () => {
  await stopBackend?.();
  await palette?.close();
});

async function signIn(email: string) {
  const { flow, res: start } = await startFlow(server, 'development');
  const code = await approveFlow(palette, flow, email);
  secrets.add(code);
  const frame = await sendCallback(
    server,
    { code, state: flow.state },
    flow.nonceCookie,
  );
  const payload = framePayload(frame);
  const session = payload.response?.providerInfo;
  if (session?.accessToken) secrets.add(session.accessToken);
  if (session?.idToken) secrets.add(session.idToken);
  return { start, location: flow.url, code, frame, payload };
}

describe('spectrocloud provider (integration)', () => {
  it('signs alice in, caches her session token, sets the cookie, refreshes and logs out', async () => {
    const { location, frame, payload, code } = await signIn(
      'alice@example.com',
    );

    // start: redirect to the mock's /auth with state, nonce and an S256 challenge only.
    expect(`${location.origin}${location.pathname}`).toBe(
      palette.authorizationUrl,
    );
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(location.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(location.searchParams.has('code_verifier')).toBe(false);
    expect(location.search).not.toContain(palette.clientSecret);

    // frame handler: HTML postMessage page with the Palette session
    expect(frame.status).toBe(200);
    expect(frame.headers['content-type']).toMatch(/text\/html/);
    const { providerInfo, profile, backstageIdentity } = payload.response;
    expect(profile).toEqual({
      email: 'alice@example.com',
      displayName: 'Alice Anderson',
    });
    expect(decodeProtectedHeader(providerInfo.idToken).alg).toBe('RS256');
    expect(decodeJwt(providerInfo.idToken)).toMatchObject({
      iss: palette.issuer,
      aud: palette.clientId,
      email: 'alice@example.com',
      nonce: location.searchParams.get('nonce'),
    });
    const sessionToken: string = providerInfo.accessToken;
    expect(decodeProtectedHeader(sessionToken).alg).toBe('HS256');
    expect(decodeJwt(sessionToken)).toMatchObject({
      email: 'alice@example.com',
    });
    expect(sessionToken).not.toBe(code);
    expect(providerInfo.expiresInSeconds).toBeGreaterThan(880);
    expect(providerInfo.expiresInSeconds).toBeLessThanOrEqual(900);
    expect(backstageIdentity.identity.userEntityRef).toBe('user:default/alice');

    // the API token cookie
    const apiCookie = cookie(frame, SPECTROCLOUD_API_TOKEN_COOKIE)!;
    expect(apiCookie).toBeDefined();
    expect(cookieValue(apiCookie)).toBe(sessionToken);
    // Max-Age = the session token's remaining lifetime (the mock's tokens live 900 s)
    const maxAge = Number(/; Max-Age=(\d+)/.exec(apiCookie)![1]);
    expect(maxAge).toBeGreaterThan(890);
    expect(maxAge).toBeLessThanOrEqual(900);
    expect(apiCookie).toMatch(/; Path=\/(;|$)/);
    expect(apiCookie).toMatch(/; HttpOnly(;|$)/);
    expect(apiCookie).toMatch(/; SameSite=Lax(;|$)/);
    expect(apiCookie).not.toMatch(/; Secure/);

    // the token cache, by email and by user entity ref
    const expiresAt = decodeJwt(sessionToken).exp;
    await expect(
      tokenCache.getSessionTokenByEmail('Alice@Example.com'),
    ).resolves.toEqual({
      token: sessionToken,
      expiresAt,
    });
    await expect(
      tokenCache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toEqual({
      token: sessionToken,
      expiresAt,
    });

    // refresh: the documented JSON shape, from the session record the sealed cookie names
    const refreshCookie = cookie(frame, 'spectrocloud-refresh-token')!;
    expect(refreshCookie).toMatch(/HttpOnly/);
    expect(cookieValue(refreshCookie)).not.toContain(sessionToken);
    const cookies = [refreshCookie.split(';')[0], apiCookie.split(';')[0]];
    const refresh = await request(server)
      .get('/api/auth/spectrocloud/refresh?env=development&optional')
      .set('Cookie', cookies)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(refresh.status).toBe(200);
    expect(refresh.body).toEqual({
      profile: { email: 'alice@example.com', displayName: 'Alice Anderson' },
      providerInfo: {
        idToken: providerInfo.idToken,
        accessToken: sessionToken,
        scope: expect.stringContaining('openid'),
        expiresInSeconds: expect.any(Number),
      },
      backstageIdentity: {
        token: expect.any(String),
        expiresInSeconds: expect.any(Number),
        identity: {
          type: 'user',
          userEntityRef: 'user:default/alice',
          ownershipEntityRefs: ['user:default/alice'],
        },
      },
    });
    // the browser sent the cookie: it is not set again; the record still serves the token
    expect(cookie(refresh, SPECTROCLOUD_API_TOKEN_COOKIE)).toBeUndefined();
    // a browser that lost it gets it back from a refresh
    const restoring = await request(server)
      .get('/api/auth/spectrocloud/refresh?env=development&optional')
      .set('Cookie', [refreshCookie.split(';')[0]])
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(restoring.status).toBe(200);
    expect(cookieValue(cookie(restoring, SPECTROCLOUD_API_TOKEN_COOKIE)!)).toBe(
      sessionToken,
    );
    await expect(
      tokenCache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toEqual({
      token: sessionToken,
      expiresAt,
    });

    // a tampered refresh cookie is a 401
    const tampered = await request(server)
      .get('/api/auth/spectrocloud/refresh?env=development')
      .set(
        'Cookie',
        `spectrocloud-refresh-token=${cookieValue(refreshCookie).slice(
          0,
          -4,
        )}AAAA`,
      )
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(tampered.status).toBe(401);
    // a failed refresh only ever clears the API token cookie
    expect(
      cookiesSetWithValue(tampered, [SPECTROCLOUD_API_TOKEN_COOKIE]),
    ).toEqual([]);

    // logout without the CSRF header changes nothing
    const forged = await request(server)
      .post('/api/auth/spectrocloud/logout?env=development')
      .set('Cookie', cookies);
    expect(forged.status).toBe(401);
    expect(cookie(forged, SPECTROCLOUD_API_TOKEN_COOKIE)).toBeUndefined();
    await expect(
      tokenCache.getSessionTokenByEmail('alice@example.com'),
    ).resolves.toBeDefined();

    // logout clears the cookie and the cache entry
    const logout = await request(server)
      .post('/api/auth/spectrocloud/logout?env=development')
      .set('Cookie', cookies)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(logout.status).toBe(200);
    const cleared = cookie(logout, SPECTROCLOUD_API_TOKEN_COOKIE)!;
    expect(cleared).toMatch(/^spectrocloud-api-token=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    expect(cleared).toMatch(/; Path=\/(;|$)/);
    expect(cleared).toMatch(/; HttpOnly/);
    expect(cleared).toMatch(/; SameSite=Lax/);
    await expect(
      tokenCache.getSessionTokenByEmail('alice@example.com'),
    ).resolves.toBeUndefined();
    await expect(
      tokenCache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toBeUndefined();
  });

  it('refuses mallory (not in the catalog) without a cookie or cache entry, logging one info line', async () => {
    logLines.length = 0;
    const { frame, payload } = await signIn('mallory@example.com');
    expect(frame.status).toBe(200);
    expect(payload.error.message).toContain(
      'Failed to sign-in, unable to resolve user identity',
    );
    expect(payload.response).toBeUndefined();
    expect(cookie(frame, SPECTROCLOUD_API_TOKEN_COOKIE)).toBeUndefined();
    await expect(
      tokenCache.getSessionTokenByEmail('mallory@example.com'),
    ).resolves.toBeUndefined();
    const refusals = logLines.filter(l => l.includes('sign-in refused'));
    expect(refusals).toEqual([
      expect.stringMatching(
        /^info SpectroCloud sign-in refused: no User entity in the catalog matches the Palette identity /,
      ),
    ]);
    expect(refusals[0]).not.toMatch(/mallory|eyJ/i);
  });

  it('works when Palette delivers the session token as the authorization code', async () => {
    palette.settings.sessionTokenDelivery = 'code';
    try {
      const { frame, payload, code } = await signIn('bob@example.com');
      expect(frame.status).toBe(200);
      const { providerInfo, backstageIdentity } = payload.response;
      expect(providerInfo.accessToken).toBe(code);
      expect(decodeJwt(code)).toMatchObject({ email: 'bob@example.com' });
      expect(backstageIdentity.identity.userEntityRef).toBe('user:default/bob');
      expect(cookieValue(cookie(frame, SPECTROCLOUD_API_TOKEN_COOKIE)!)).toBe(
        code,
      );
      await expect(
        tokenCache.getSessionTokenForUser('user:default/bob'),
      ).resolves.toMatchObject({
        token: code,
      });
    } finally {
      palette.settings.sessionTokenDelivery = 'refresh_token';
    }
  });

  it('signs in without a session token when Palette delivers none', async () => {
    palette.settings.sessionTokenDelivery = 'none';
    await tokenCache.deleteSessionToken({ email: 'bob@example.com' });
    try {
      const { frame, payload } = await signIn('bob@example.com');
      expect(payload.response.providerInfo.accessToken).toBe('');
      expect(payload.response.backstageIdentity.identity.userEntityRef).toBe(
        'user:default/bob',
      );
      expect(cookie(frame, SPECTROCLOUD_API_TOKEN_COOKIE)).toBeUndefined();
      await expect(
        tokenCache.getSessionTokenForUser('user:default/bob'),
      ).resolves.toBeUndefined();
      expect(logLines.join('\n')).toContain(
        'Palette returned no session token',
      );
    } finally {
      palette.settings.sessionTokenDelivery = 'refresh_token';
    }
  });

  it('never logged a token, authorization code or full email', () => {
    expect(secrets.size).toBeGreaterThanOrEqual(6);
    const all = logLines.join('\n');
    for (const secret of secrets) {
      expect(all).not.toContain(secret);
    }
    for (const email of [
      'alice@example.com',
      'bob@example.com',
      'mallory@example.com',
    ]) {
      expect(all.toLowerCase()).not.toContain(email);
    }
    expect(all).not.toContain(palette.clientSecret);
  });
});
