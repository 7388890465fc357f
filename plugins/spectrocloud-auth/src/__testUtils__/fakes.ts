import type {
  DiscoveryApi,
  OAuthRequestApi,
  OAuthRequester,
} from '@backstage/core-plugin-api';
import { http, HttpResponse } from 'msw';

/** Base URL of the auth backend used by the fakes. */
export const AUTH_BASE_URL = 'http://localhost:7007/api/auth';

/** Refresh route of the SpectroCloud provider (plugin-auth-node). */
export const REFRESH_URL = `${AUTH_BASE_URL}/spectrocloud/refresh`;

/** Logout route of the SpectroCloud provider (plugin-auth-node). */
export const LOGOUT_URL = `${AUTH_BASE_URL}/spectrocloud/logout`;

/**
 * A compact JWT with the given header and payload and a dummy signature.
 * Test fixture only: nothing verifies it.
 */
export function fakeJwt(header: object, payload: object): string {
  const part = (value: object) =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.c2lnbmF0dXJl`;
}

const nowSeconds = Math.floor(Date.now() / 1000);

/** Palette session token shape: HS256 JWT `{ email, uid, tenantUid, iat, exp }`. */
export const paletteSessionToken = fakeJwt(
  { alg: 'HS256', typ: 'JWT' },
  {
    email: 'alice@example.com',
    uid: 'u-alice',
    tenantUid: 'demo-tenant',
    iat: nowSeconds,
    exp: nowSeconds + 900,
  },
);

/** OIDC ID token shape: RS256 JWT. */
export const rs256IdToken = fakeJwt(
  { alg: 'RS256', typ: 'JWT', kid: 'mock-key-1' },
  {
    iss: 'http://localhost:7011/v1/oidc/tenant/demo-tenant',
    sub: 'u-alice',
    aud: 'backstage-demo',
    email: 'alice@example.com',
    iat: nowSeconds,
    exp: nowSeconds + 3600,
  },
);

/** A successful refresh body, as the auth backend sends it. */
export function refreshBody(accessToken: string, idToken = rs256IdToken) {
  return {
    profile: { email: 'alice@example.com', displayName: 'Alice Example' },
    providerInfo: {
      idToken,
      accessToken,
      scope: 'openid profile email',
      expiresInSeconds: 900,
    },
    backstageIdentity: {
      token: fakeJwt({ alg: 'ES256' }, { sub: 'user:default/alice' }),
      expiresInSeconds: 3600,
      identity: {
        type: 'user',
        userEntityRef: 'user:default/alice',
        ownershipEntityRefs: ['user:default/alice'],
      },
    },
  };
}

/** msw handler: refresh answers with a session whose access token is `accessToken`. */
export function refreshWithSession(
  accessToken: string,
  onRequest?: (request: Request) => void,
) {
  return http.get(REFRESH_URL, ({ request }) => {
    onRequest?.(request);
    return HttpResponse.json(refreshBody(accessToken));
  });
}

/** msw handler: refresh answers as the backend does without a refresh cookie. */
export function refreshWithoutSession(onRequest?: (request: Request) => void) {
  return http.get(REFRESH_URL, ({ request }) => {
    onRequest?.(request);
    return HttpResponse.json(
      {
        error: {
          name: 'AuthenticationError',
          message:
            'Refresh failed; caused by InputError: Missing session cookie',
        },
      },
      { status: 401 },
    );
  });
}

/** A discovery API that resolves every plugin to `http://localhost:7007/api/<id>`. */
export const fakeDiscoveryApi: DiscoveryApi = {
  getBaseUrl: async pluginId => `http://localhost:7007/api/${pluginId}`,
};

/**
 * An OAuthRequestApi whose requester (the sign-in popup path) is a jest mock
 * that rejects: a test can assert it was never called.
 */
export function createFakeOAuthRequestApi() {
  const authRequester = jest.fn<Promise<never>, [Set<string>]>(async () => {
    throw new Error('sign-in popup requested');
  });
  const oauthRequestApi: OAuthRequestApi = {
    createAuthRequester: <T>() => authRequester as OAuthRequester<T>,
    authRequest$: jest.fn(),
  };
  return { oauthRequestApi, authRequester };
}

/**
 * Sets (or with `undefined`, removes) a readable `spectrocloud-api-token` cookie in jsdom: the
 * API must ignore it (the real cookie is HttpOnly and meant for backend plugins).
 */
export function setApiTokenCookie(rawValue: string | undefined) {
  document.cookie =
    rawValue === undefined
      ? 'spectrocloud-api-token=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/'
      : `spectrocloud-api-token=${rawValue}; path=/`;
}
