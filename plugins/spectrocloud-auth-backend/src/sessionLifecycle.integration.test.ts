import { MockPalette, startMockPalette } from '@internal/mock-palette';
import { SpectroCloudTokenCache } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { SPECTROCLOUD_API_TOKEN_COOKIE } from './apiTokenCookie';
import { cookie, cookieValue, CookieJar } from './__testUtils__/browserCookies';
import { createLogCapture } from './__testUtils__/logCapture';
import {
  approveFlow,
  AUTH,
  framePayload,
  REFRESH_COOKIE,
  sendCallback,
  startFlow,
} from './__testUtils__/signInFlow';
import {
  ALICE,
  BOB,
  forgetSessions,
  paletteProviderConfig,
  startSpectroCloudTestBackend,
} from './__testUtils__/testBackend';

const LOGOUT_URL = 'http://localhost:7011/v1/auth/logout';
const { lines: logLines, logger } = createLogCapture();
/** Every session token seen (sign-in and renewals): none may be logged. */
const secrets = new Set<string>();

let palette: MockPalette;
let server: any;
let tokenCache: SpectroCloudTokenCache;
let stopBackend: () => Promise<void>;

beforeAll(async () => {
  palette = await startMockPalette({ port: 0 });
  const backend = await startSpectroCloudTestBackend({
    logger,
    providers: {
      development: paletteProviderConfig(palette, { logoutUrl: LOGOUT_URL }),
      impatient: paletteProviderConfig(palette, {
        timeout: { milliseconds: 300 },
      }),
    },
  });
  server = backend.server;
  tokenCache = backend.tokenCache;
  stopBackend = backend.stop;
}, 60_000);

afterAll(async () => {
  await stopBackend?.();
  await palette?.close();
});

beforeEach(() => forgetSessions());

afterEach(() => {
  palette.settings.sessionTokenLifetimeSeconds = 900;
  palette.settings.idTokenLifetimeSeconds = 3600;
  palette.settings.refreshFault = 'none';
});

const nowInSeconds = () => Math.floor(Date.now() / 1000);

/** Signs `email` in; returns the browser's cookie jar and the session token. */
async function signIn(email: string, env = 'development') {
  const { flow } = await startFlow(server, env);
  const code = await approveFlow(palette, flow, email);
  const frame = await sendCallback(
    server,
    { code, state: flow.state },
    flow.nonceCookie,
  );
  const { providerInfo } = framePayload(frame).response;
  secrets.add(providerInfo.accessToken);
  secrets.add(code);
  const jar = new CookieJar();
  jar.apply(frame);
  expect(jar.names()).toEqual(
    expect.arrayContaining([REFRESH_COOKIE, SPECTROCLOUD_API_TOKEN_COOKIE]),
  );
  return { jar, sessionToken: providerInfo.accessToken as string };
}

async function refresh(jar: CookieJar, env = 'development') {
  const res = await request(server)
    .get(`${AUTH}/refresh?env=${env}&optional`)
    .set('Cookie', jar.header())
    .set('X-Requested-With', 'XMLHttpRequest');
  if (res.body?.providerInfo?.accessToken) {
    secrets.add(res.body.providerInfo.accessToken);
  }
  return res;
}

async function expectClearedState(
  res: request.Response,
  email: string,
  userEntityRef: string,
) {
  expect(res.status).toBe(401);
  expect(res.body.error.name).toBe('AuthenticationError');
  const cleared = cookie(res, SPECTROCLOUD_API_TOKEN_COOKIE)!;
  expect(cleared).toMatch(/^spectrocloud-api-token=;/);
  expect(cleared).toMatch(/; Path=\/(;|$)/);
  expect(cleared).toMatch(/; HttpOnly/);
  expect(cleared).toMatch(/; SameSite=Lax/);
  await expect(tokenCache.getSessionTokenByEmail(email)).resolves.toBe(
    undefined,
  );
  await expect(tokenCache.getSessionTokenForUser(userEntityRef)).resolves.toBe(
    undefined,
  );
}

describe('refresh: Palette session token renewal', () => {
  it('fast path: a token outside the renewal window makes no call to Palette', async () => {
    const { jar, sessionToken } = await signIn(ALICE);
    palette.resetCalls();

    const res = await refresh(jar);

    expect(res.status).toBe(200);
    expect(palette.calls.refresh).toBe(0);
    expect(res.body.providerInfo.accessToken).toBe(sessionToken);
    expect(decodeJwt(res.body.providerInfo.idToken).iss).toBe(palette.issuer);
    const exp = decodeJwt(sessionToken).exp!;
    const expected = exp - nowInSeconds();
    expect(res.body.providerInfo.expiresInSeconds).toBeGreaterThanOrEqual(
      expected - 1,
    );
    expect(res.body.providerInfo.expiresInSeconds).toBeLessThanOrEqual(
      expected,
    );
    // unchanged session: Backstage does not re-set its refresh cookie
    expect(cookie(res, REFRESH_COOKIE)).toBeUndefined();
  });

  it('renews a token inside the window once, and stores the new one in the cache and cookie', async () => {
    palette.settings.sessionTokenLifetimeSeconds = 120;
    const { jar, sessionToken } = await signIn(ALICE);
    palette.settings.sessionTokenLifetimeSeconds = 900;
    palette.resetCalls();

    const before = nowInSeconds();
    const res = await refresh(jar);
    const after = nowInSeconds();

    expect(res.status).toBe(200);
    expect(palette.calls.refresh).toBe(1);
    const renewed: string = res.body.providerInfo.accessToken;
    expect(renewed).not.toBe(sessionToken);
    expect(decodeJwt(renewed)).toMatchObject({ email: ALICE });
    const exp = decodeJwt(renewed).exp!;
    expect(exp - after).toBeGreaterThan(800);
    expect(res.body.providerInfo.expiresInSeconds).toBeGreaterThanOrEqual(
      exp - after,
    );
    expect(res.body.providerInfo.expiresInSeconds).toBeLessThanOrEqual(
      exp - before,
    );
    const apiCookie = cookie(res, SPECTROCLOUD_API_TOKEN_COOKIE)!;
    expect(cookieValue(apiCookie)).toBe(renewed);
    // Max-Age = the renewed token's remaining lifetime
    const maxAge = Number(/Max-Age=(\d+)/.exec(apiCookie)![1]);
    expect(maxAge).toBeGreaterThanOrEqual(exp - after);
    expect(maxAge).toBeLessThanOrEqual(exp - before);
    await expect(tokenCache.getSessionTokenByEmail(ALICE)).resolves.toEqual({
      token: renewed,
      expiresAt: exp,
    });
    await expect(
      tokenCache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toEqual({ token: renewed, expiresAt: exp });
    // the refresh cookie names the record, which now holds the new token: not re-set
    expect(cookie(res, REFRESH_COOKIE)).toBeUndefined();
    jar.apply(res);

    // the renewed token is outside the window: the next refresh is a fast path again
    const again = await refresh(jar);
    expect(again.status).toBe(200);
    expect(again.body.providerInfo.accessToken).toBe(renewed);
    expect(palette.calls.refresh).toBe(1);
  });

  it('uses a token renewed elsewhere (written to the session record) without calling Palette', async () => {
    palette.settings.sessionTokenLifetimeSeconds = 120;
    const { jar, sessionToken } = await signIn(BOB);
    const other = await palette.issueSessionToken(BOB, 900);
    secrets.add(other);
    const record = await tokenCache.sessions.newestLive({ email: BOB });
    // another instance renewed this session's token
    await tokenCache.sessions.renewSessionToken(
      record!.id,
      sessionToken,
      async () => ({ token: other, expiresAt: decodeJwt(other).exp! }),
      1000,
    );
    palette.resetCalls();

    const res = await refresh(jar);

    expect(res.status).toBe(200);
    expect(res.body.providerInfo.accessToken).toBe(other);
    expect(palette.calls.refresh).toBe(0);
    expect(cookieValue(cookie(res, SPECTROCLOUD_API_TOKEN_COOKIE)!)).toBe(
      other,
    );
  });

  it('ten concurrent refreshes of one session cause one renewal', async () => {
    palette.settings.sessionTokenLifetimeSeconds = 120;
    const { jar, sessionToken } = await signIn(ALICE);
    palette.settings.sessionTokenLifetimeSeconds = 900;
    palette.resetCalls();

    const results = await Promise.all(
      Array.from({ length: 10 }, () => refresh(jar)),
    );

    expect(results.map(r => r.status)).toEqual(Array(10).fill(200));
    expect(palette.calls.refresh).toBe(1);
    // One renewed token: refreshes after the renewal get it; one racing it does not wait but gets
    // the still valid old one.
    const renewed = new Set(
      results
        .map(r => r.body.providerInfo.accessToken)
        .filter(t => t !== sessionToken),
    );
    expect(renewed.size).toBe(1);
    const next = await refresh(jar);
    expect(next.body.providerInfo.accessToken).toBe([...renewed][0]);
    expect(palette.calls.refresh).toBe(1);
  });

  it('a renewal Palette rejects is a 401 that clears the cookie and the cache entry', async () => {
    palette.settings.sessionTokenLifetimeSeconds = 120;
    const { jar } = await signIn(ALICE);
    palette.settings.refreshFault = 'reject';
    palette.resetCalls();

    const res = await refresh(jar);

    expect(palette.calls.refresh).toBe(1);
    await expectClearedState(res, ALICE, 'user:default/alice');
    expect(res.text).not.toContain('eyJ');
  });

  it('an expired ID token is a 401 that clears the cookie and the cache entry, without calling Palette', async () => {
    palette.settings.idTokenLifetimeSeconds = 1;
    const { jar } = await signIn(BOB);
    await new Promise(resolve => setTimeout(resolve, 2100));
    palette.resetCalls();

    const res = await refresh(jar);

    expect(palette.calls.refresh).toBe(0);
    await expectClearedState(res, BOB, 'user:default/bob');
    expect(res.body.error.message).toContain('ID token has expired');
  });

  it('an expired session token is a 401 that clears the cookie and the cache entry', async () => {
    palette.settings.sessionTokenLifetimeSeconds = 2;
    const { jar } = await signIn(ALICE);
    await new Promise(resolve => setTimeout(resolve, 2100));
    palette.resetCalls();

    const res = await refresh(jar);

    expect(palette.calls.refresh).toBe(0);
    await expectClearedState(res, ALICE, 'user:default/alice');
  });

  it('Palette unavailable inside the window keeps the still valid token and logs a warning', async () => {
    palette.settings.sessionTokenLifetimeSeconds = 120;
    const { jar, sessionToken } = await signIn(ALICE);
    palette.settings.refreshFault = 'unavailable';
    palette.resetCalls();

    const res = await refresh(jar);

    expect(res.status).toBe(200);
    expect(palette.calls.refresh).toBe(1);
    expect(res.body.providerInfo.accessToken).toBe(sessionToken);
    expect(res.body.providerInfo.expiresInSeconds).toBeLessThanOrEqual(120);
    expect(res.body.providerInfo.expiresInSeconds).toBeGreaterThan(100);
    expect(logLines.join('\n')).toContain(
      'renewing the Palette session token failed (HTTP 503)',
    );
  });
});

describe('refresh: Palette renewal timeout', () => {
  it('a renewal that gets no answer within the timeout keeps the still valid token', async () => {
    palette.settings.sessionTokenLifetimeSeconds = 120;
    const { jar, sessionToken } = await signIn(BOB, 'impatient');
    palette.settings.refreshFault = 'hang';
    palette.resetCalls();

    const started = Date.now();
    const res = await refresh(jar, 'impatient');

    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(palette.calls.refresh).toBe(1);
    expect(res.body.providerInfo.accessToken).toBe(sessionToken);
    expect(logLines.join('\n')).toContain(
      'renewing the Palette session token failed (no answer within 300 ms)',
    );
  });
});

describe('logout racing a refresh', () => {
  it('a logout while a renewal is in flight is never undone', async () => {
    palette.settings.sessionTokenLifetimeSeconds = 120;
    const { jar } = await signIn(BOB, 'impatient');
    palette.settings.refreshFault = 'hang'; // the renewal takes the whole 300 ms timeout
    palette.resetCalls();

    const inFlight = refresh(jar, 'impatient');
    await new Promise(resolve => setTimeout(resolve, 100));
    const logout = await request(server)
      .post(`${AUTH}/logout?env=impatient`)
      .set('Cookie', jar.header())
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(logout.status).toBe(200);

    const raced = await inFlight;
    expect(palette.calls.refresh).toBe(1);
    expect(raced.status).toBe(401);
    palette.settings.refreshFault = 'none';
    const after = await refresh(jar, 'impatient');
    expect(after.status).toBe(401);
    await expect(
      tokenCache.getSessionTokenForUser('user:default/bob'),
    ).resolves.toBeUndefined();
  });
});

describe('logout', () => {
  it('clears both cookies and the cache entry, returns the Palette logout URL, and a later refresh is a 401', async () => {
    const { jar } = await signIn(ALICE);

    const res = await request(server)
      .post(`${AUTH}/logout?env=development`)
      .set('Cookie', jar.header())
      .set('X-Requested-With', 'XMLHttpRequest');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ logoutUrl: LOGOUT_URL });
    jar.apply(res);
    expect(jar.names()).not.toContain(REFRESH_COOKIE);
    expect(jar.names()).not.toContain(SPECTROCLOUD_API_TOKEN_COOKIE);
    await expect(tokenCache.getSessionTokenByEmail(ALICE)).resolves.toBe(
      undefined,
    );
    await expect(
      tokenCache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toBe(undefined);

    const after = await refresh(jar);
    expect(after.status).toBe(401);
  });
});

describe('leak scan', () => {
  it('never logged a session token (old or renewed) or a full email', () => {
    // sign-in tokens, renewed tokens, codes of the tests above
    expect(secrets.size).toBeGreaterThanOrEqual(15);
    const all = logLines.join('\n');
    expect(all).toContain('renewing the Palette session token failed');
    for (const secret of secrets) {
      expect(all).not.toContain(secret);
    }
    expect(all.toLowerCase()).not.toContain(ALICE);
    expect(all.toLowerCase()).not.toContain(BOB);
  });
});
