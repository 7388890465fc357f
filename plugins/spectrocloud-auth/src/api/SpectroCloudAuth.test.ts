import { OAuth2 } from '@backstage/core-app-api';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  createFakeOAuthRequestApi,
  fakeDiscoveryApi,
  LOGOUT_URL,
  paletteSessionToken,
  REFRESH_URL,
  refreshBody,
  refreshWithoutSession,
  refreshWithSession,
  rs256IdToken,
  setApiTokenCookie,
} from '../__testUtils__/fakes';
import { SpectroCloudAuth } from './SpectroCloudAuth';

const server = setupServer();
registerMswTestHooks(server);

function createApi() {
  const { oauthRequestApi, authRequester } = createFakeOAuthRequestApi();
  const api = SpectroCloudAuth.create({
    discoveryApi: fakeDiscoveryApi,
    oauthRequestApi,
    configApi: mockApis.config(),
  });
  return { api, authRequester };
}

const otherSessionToken = paletteSessionToken.replace(/.$/, 'X');

describe('SpectroCloudAuth.getSpectroCloudApiToken', () => {
  let getAccessTokenSpy: jest.SpyInstance;

  beforeEach(() => {
    getAccessTokenSpy = jest.spyOn(OAuth2.prototype, 'getAccessToken');
  });

  afterEach(() => {
    getAccessTokenSpy.mockRestore();
    setApiTokenCookie(undefined);
    document.cookie =
      'unrelated=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
  });

  it('returns the session access token first, without requesting a popup', async () => {
    const refreshUrls: string[] = [];
    server.use(
      refreshWithSession(paletteSessionToken, r => refreshUrls.push(r.url)),
    );
    setApiTokenCookie(otherSessionToken);
    const { api, authRequester } = createApi();

    await expect(api.getSpectroCloudApiToken()).resolves.toBe(
      paletteSessionToken,
    );

    expect(getAccessTokenSpy).toHaveBeenCalledTimes(1);
    expect(getAccessTokenSpy).toHaveBeenCalledWith(undefined, {
      optional: true,
    });
    expect(authRequester).not.toHaveBeenCalled();
    expect(refreshUrls).toHaveLength(1);
    const url = new URL(refreshUrls[0]);
    expect(url.origin + url.pathname).toBe(REFRESH_URL);
    expect(url.searchParams.has('optional')).toBe(true);
    expect(url.searchParams.get('env')).toBe('development');
    expect(url.searchParams.get('scope')).toBe('openid profile email');
  });

  it('returns an access token that is not a JWT as it is', async () => {
    server.use(refreshWithSession('opaque-palette-session-token'));
    const { api } = createApi();

    await expect(api.getSpectroCloudApiToken()).resolves.toBe(
      'opaque-palette-session-token',
    );
  });

  it('never reads a spectrocloud-api-token cookie: without a session it resolves to undefined', async () => {
    server.use(refreshWithoutSession());
    setApiTokenCookie(encodeURIComponent(paletteSessionToken));
    const { api, authRequester } = createApi();

    await expect(api.getSpectroCloudApiToken()).resolves.toBeUndefined();
    expect(getAccessTokenSpy).toHaveBeenCalledWith(undefined, {
      optional: true,
    });
    expect(authRequester).not.toHaveBeenCalled();
  });

  it('returns undefined when there is no session', async () => {
    server.use(refreshWithoutSession());
    const { api, authRequester } = createApi();

    await expect(api.getSpectroCloudApiToken()).resolves.toBeUndefined();
    expect(authRequester).not.toHaveBeenCalled();
  });

  it('never returns an RS256 access token (the ID token)', async () => {
    server.use(refreshWithSession(rs256IdToken));
    setApiTokenCookie(paletteSessionToken);
    const { api, authRequester } = createApi();

    await expect(api.getSpectroCloudApiToken()).resolves.toBeUndefined();
    expect(authRequester).not.toHaveBeenCalled();
  });

  it('resolves (never rejects) when the refresh call fails at network level', async () => {
    server.use(http.get(REFRESH_URL, () => HttpResponse.error()));
    const { api, authRequester } = createApi();

    await expect(api.getSpectroCloudApiToken()).resolves.toBeUndefined();
    expect(authRequester).not.toHaveBeenCalled();
  });
});

describe('SpectroCloudAuth delegation to OAuth2', () => {
  it('getIdToken returns the RS256 ID token of the session', async () => {
    server.use(refreshWithSession(paletteSessionToken));
    const { api } = createApi();

    await expect(api.getIdToken()).resolves.toBe(rs256IdToken);
  });

  it('getAccessToken returns the Palette session token', async () => {
    server.use(refreshWithSession(paletteSessionToken));
    const { api } = createApi();

    await expect(api.getAccessToken()).resolves.toBe(paletteSessionToken);
  });

  it('getProfile and getBackstageIdentity come from the refreshed session', async () => {
    server.use(refreshWithSession(paletteSessionToken));
    const { api } = createApi();

    await expect(api.getProfile()).resolves.toEqual({
      email: 'alice@example.com',
      displayName: 'Alice Example',
    });
    await expect(api.getBackstageIdentity()).resolves.toMatchObject({
      identity: {
        type: 'user',
        userEntityRef: 'user:default/alice',
        ownershipEntityRefs: ['user:default/alice'],
      },
    });
  });

  it('getBackstageIdentity with optional resolves undefined without a session and no popup', async () => {
    server.use(refreshWithoutSession());
    const { api, authRequester } = createApi();

    await expect(
      api.getBackstageIdentity({ optional: true }),
    ).resolves.toBeUndefined();
    expect(authRequester).not.toHaveBeenCalled();
  });

  it('without optional, a missing session goes to the sign-in requester', async () => {
    server.use(refreshWithoutSession());
    const { api, authRequester } = createApi();

    await expect(api.getIdToken()).rejects.toThrow('sign-in popup requested');
    expect(authRequester).toHaveBeenCalledTimes(1);
    expect([...authRequester.mock.calls[0][0]].sort()).toEqual([
      'email',
      'openid',
      'profile',
    ]);
  });

  it('signOut posts to the logout route and sessionState$ reports it', async () => {
    let logoutMethod: string | undefined;
    server.use(
      refreshWithSession(paletteSessionToken),
      http.post(LOGOUT_URL, ({ request }) => {
        logoutMethod = request.method;
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const { api } = createApi();
    const states: string[] = [];
    const subscription = api.sessionState$().subscribe(s => states.push(s));

    await api.getProfile();
    await api.signOut();
    subscription.unsubscribe();

    expect(logoutMethod).toBe('POST');
    expect(states).toEqual(['SignedOut', 'SignedIn', 'SignedOut']);
  });

  it('uses a custom provider id and default scopes when given', async () => {
    const urls: string[] = [];
    server.use(
      http.get(
        `http://localhost:7007/api/auth/palette/refresh`,
        ({ request }) => {
          urls.push(request.url);
          return HttpResponse.json({}, { status: 401 });
        },
      ),
    );
    const { oauthRequestApi } = createFakeOAuthRequestApi();
    const api = SpectroCloudAuth.create({
      discoveryApi: fakeDiscoveryApi,
      oauthRequestApi,
      configApi: mockApis.config(),
      environment: 'production',
      provider: { id: 'palette', title: 'Palette', icon: null },
      defaultScopes: ['openid'],
    });

    await expect(api.getSpectroCloudApiToken()).resolves.toBeUndefined();
    const url = new URL(urls[0]);
    expect(url.searchParams.get('env')).toBe('production');
    expect(url.searchParams.get('scope')).toBe('openid');
  });
});

describe('SpectroCloudAuth session renewal and expiry', () => {
  /** msw: the refresh route answers `answers[i]` to its i-th call (then the last one). */
  function refreshSequence(
    answers: Array<{ accessToken: string; expiresInSeconds: number } | 401>,
  ) {
    let calls = 0;
    server.use(
      http.get(REFRESH_URL, () => {
        const answer = answers[Math.min(calls, answers.length - 1)];
        calls += 1;
        if (answer === 401) {
          return HttpResponse.json(
            {
              error: {
                name: 'AuthenticationError',
                message:
                  'Refresh failed; caused by AuthenticationError: Palette refused to renew the session token; sign in again',
              },
            },
            { status: 401 },
          );
        }
        const body = refreshBody(answer.accessToken);
        body.providerInfo.expiresInSeconds = answer.expiresInSeconds;
        return HttpResponse.json(body);
      }),
    );
    return { calls: () => calls };
  }

  const tokenA = paletteSessionToken;
  const tokenB = paletteSessionToken.replace(/.$/, 'B');

  afterEach(() => jest.restoreAllMocks());

  /** Moves OAuth2's clock (`Date.now`) `seconds` ahead of its current (possibly mocked) value. */
  function advanceClock(seconds: number) {
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + seconds * 1000);
  }

  it('a refresh answering expiresInSeconds 100 is followed by one more refresh that returns the renewed token', async () => {
    const refresh = refreshSequence([
      { accessToken: tokenA, expiresInSeconds: 100 },
      { accessToken: tokenB, expiresInSeconds: 900 },
    ]);
    const { api, authRequester } = createApi();

    // OAuth2 refreshes a session that expires within 180 s before handing it out
    await expect(api.getSpectroCloudApiToken()).resolves.toBe(tokenB);
    expect(refresh.calls()).toBe(2);
    // 900 s left: no further refresh
    await expect(api.getSpectroCloudApiToken()).resolves.toBe(tokenB);
    expect(refresh.calls()).toBe(2);
    expect(authRequester).not.toHaveBeenCalled();
  });

  it('returns the renewed token once the session nears its expiry, without a reload', async () => {
    const refresh = refreshSequence([
      { accessToken: tokenA, expiresInSeconds: 900 },
      { accessToken: tokenB, expiresInSeconds: 900 },
    ]);
    const { api } = createApi();

    await expect(api.getSpectroCloudApiToken()).resolves.toBe(tokenA);
    advanceClock(710); // 190 s left: still outside the 180 s margin
    await expect(api.getSpectroCloudApiToken()).resolves.toBe(tokenA);
    expect(refresh.calls()).toBe(1);
    advanceClock(90); // 100 s left
    await expect(api.getSpectroCloudApiToken()).resolves.toBe(tokenB);
    expect(refresh.calls()).toBe(2);
  });

  it('a session with more than 180 s left is not refreshed again', async () => {
    const refresh = refreshSequence([
      { accessToken: tokenA, expiresInSeconds: 181 },
      { accessToken: tokenB, expiresInSeconds: 900 },
    ]);
    const { api } = createApi();

    await expect(api.getSpectroCloudApiToken()).resolves.toBe(tokenA);
    await expect(api.getSpectroCloudApiToken()).resolves.toBe(tokenA);
    expect(refresh.calls()).toBe(1);
  });

  it('sessionState$ reports SignedOut when the expiring session cannot be renewed (401)', async () => {
    const refresh = refreshSequence([
      { accessToken: tokenA, expiresInSeconds: 900 },
      401,
    ]);
    const { api, authRequester } = createApi();
    const states: string[] = [];
    const subscription = api.sessionState$().subscribe(s => states.push(s));

    await expect(api.getSpectroCloudApiToken()).resolves.toBe(tokenA);
    expect(states).toEqual(['SignedOut', 'SignedIn']);
    advanceClock(800);
    await expect(api.getSpectroCloudApiToken()).resolves.toBeUndefined();
    subscription.unsubscribe();

    expect(refresh.calls()).toBe(2);
    expect(states).toEqual(['SignedOut', 'SignedIn', 'SignedOut']);
    expect(authRequester).not.toHaveBeenCalled();
  });
});
