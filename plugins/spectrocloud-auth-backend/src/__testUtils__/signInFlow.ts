import type { MockPalette } from '@internal/mock-palette';
import { SpectroCloudTokenCache } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import { getProcessTokenStore } from '@terasky/backstage-plugin-spectrocloud-token-cache/legacy';
import request from 'supertest';
import { SPECTROCLOUD_API_TOKEN_COOKIE } from '../apiTokenCookie';
import { cookie, cookiePair, cookiesSetWithValue } from './browserCookies';

export const AUTH = '/api/auth/spectrocloud';
export const REFRESH_COOKIE = 'spectrocloud-refresh-token';
export const NONCE_COOKIE = 'spectrocloud-nonce';
const USER_REFS = ['user:default/alice', 'user:default/bob'];

/** A started sign-in flow, as the browser holds it. */
export interface Flow {
  env: string;
  state: string;
  /** The `Cookie` header pair `spectrocloud-nonce=...`. */
  nonceCookie: string;
  /** The query of the authorization URL the browser was sent to. */
  query: URLSearchParams;
  /** The authorization URL. */
  url: URL;
}

/** `GET /start` for `env`; expects the redirect and Backstage's nonce cookie. */
export async function startFlow(
  server: any,
  env: string,
  extraQuery = '',
): Promise<{ flow: Flow; res: request.Response }> {
  const res = await request(server).get(
    `${AUTH}/start?env=${env}${extraQuery}`,
  );
  expect(res.status).toBe(302);
  const url = new URL(res.headers.location);
  const nonce = cookie(res, NONCE_COOKIE);
  expect(nonce).toBeDefined();
  return {
    flow: {
      env,
      state: url.searchParams.get('state')!,
      nonceCookie: cookiePair(nonce!),
      query: url.searchParams,
      url,
    },
    res,
  };
}

/** The mock Palette's user approves the flow's authorization request; returns the code. */
export function approveFlow(
  palette: MockPalette,
  flow: Flow,
  email: string,
): Promise<string> {
  return palette.authorize({
    email,
    redirectUri: flow.query.get('redirect_uri')!,
    state: flow.query.get('state')!,
    nonce: flow.query.get('nonce') ?? undefined,
    codeChallenge: flow.query.get('code_challenge') ?? undefined,
    codeChallengeMethod: flow.query.get('code_challenge_method') ?? undefined,
  });
}

/** `GET /handler/frame?<params>` with an optional `Cookie` header. */
export function sendCallback(
  server: any,
  params: Record<string, string | undefined>,
  cookieHeader?: string,
): Promise<request.Response> {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined) as Array<
      [string, string]
    >,
  );
  const req = request(server).get(`${AUTH}/handler/frame?${query}`);
  if (cookieHeader) {
    req.set('Cookie', cookieHeader);
  }
  return req;
}

/** The JSON the frame handler's HTML page posts to the app. */
export function framePayload(res: request.Response): any {
  const match = /decodeURIComponent\('([^']*)'\)/.exec(res.text);
  expect(match).not.toBeNull();
  return JSON.parse(decodeURIComponent(match![1]));
}

/**
 * Neither cookie (API token, refresh) was set to a value (clearing them is fine), and no token
 * cache holds an entry.
 */
export async function expectNothingCachedOrCookied(
  res: request.Response,
  tokenCache: SpectroCloudTokenCache,
): Promise<void> {
  expect(
    cookiesSetWithValue(res, [SPECTROCLOUD_API_TOKEN_COOKIE, REFRESH_COOKIE]),
  ).toEqual([]);
  expect(getProcessTokenStore().size).toBe(0);
  for (const ref of USER_REFS) {
    await expect(tokenCache.getSessionTokenForUser(ref)).resolves.toBe(
      undefined,
    );
  }
}

/**
 * The frame handler answered with its HTML error page (not a 500) carrying `message`, and nothing
 * was cached or cookied.
 */
export async function expectFrameError(
  res: request.Response,
  message: RegExp,
  tokenCache: SpectroCloudTokenCache,
  name = 'AuthenticationError',
): Promise<void> {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/text\/html/);
  const payload = framePayload(res);
  expect(payload.type).toBe('authorization_response');
  expect(payload.response).toBeUndefined();
  expect(payload.error.name).toBe(name);
  expect(payload.error.message).toMatch(message);
  await expectNothingCachedOrCookied(res, tokenCache);
}
