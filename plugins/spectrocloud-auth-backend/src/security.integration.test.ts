/**
 * Adversarial integration tests: the REAL backend (auth plugin + this module, started with
 * `startTestBackend`) against the REAL mock Palette, with a local proxy as `tokenUrl` in front of
 * the mock's token endpoint so that forged token responses travel through the real flow. Every
 * rejected case asserts BOTH the error and that nothing was cached (token cache, global map) or
 * cookied (`spectrocloud-api-token`, Backstage's refresh cookie).
 */
import { encodeOAuthState } from '@backstage/plugin-auth-node';
import { MockPalette, startMockPalette } from '@internal/mock-palette';
import { SpectroCloudTokenCache } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import { getProcessTokenStore } from '@terasky/backstage-plugin-spectrocloud-token-cache/legacy';
import { decodeJwt, JWTPayload, UnsecuredJWT } from 'jose';
import request from 'supertest';
import { deriveFlowKeys } from './flowKeys';
import { SPECTROCLOUD_API_TOKEN_COOKIE } from './index';
import { sealSession } from './sealedSession';
import {
  cookie,
  CookieJar,
  cookieValue,
  cookiesSetWithValue,
  setCookies,
} from './__testUtils__/browserCookies';
import { createLogCapture } from './__testUtils__/logCapture';
import {
  approveFlow,
  AUTH,
  expectFrameError as expectFrameErrorWith,
  expectNothingCachedOrCookied as expectNothingStoredWith,
  Flow,
  framePayload,
  REFRESH_COOKIE,
  sendCallback,
  startFlow as startFlowOn,
} from './__testUtils__/signInFlow';
import {
  ALICE,
  BOB,
  MALLORY,
  paletteProviderConfig,
  forgetSessions,
  startSpectroCloudTestBackend,
} from './__testUtils__/testBackend';
import {
  startTokenEndpointProxy,
  TokenEndpointProxy,
  TokenProxyBehaviour,
  TokenResponseBody,
} from './__testUtils__/tokenEndpointProxy';

jest.setTimeout(20_000);

const TIMEOUT_MS = 1500;
const EMAILS = [ALICE, BOB, MALLORY];

// ---------------------------------------------------------------------------------------------
// Capture: every log line, every response (with the strings it may legitimately contain)
// ---------------------------------------------------------------------------------------------

const { lines: logLines, logger: rootLogger } = createLogCapture();

interface CapturedResponse {
  what: string;
  res: request.Response;
  /** Strings this response may contain by design (a successful sign-in's own tokens, email). */
  allowed: string[];
}

const captured: CapturedResponse[] = [];
/** Authorization codes and session tokens handed out by the mock outside the token endpoint. */
const extraSecrets = new Set<string>();

function capture(
  what: string,
  res: request.Response,
  allowed: string[] = [],
): request.Response {
  captured.push({ what, res, allowed });
  return res;
}

// ---------------------------------------------------------------------------------------------
// Backend, mock Palette and token endpoint proxy
// ---------------------------------------------------------------------------------------------

let palette: MockPalette;
let proxy: TokenEndpointProxy;
let server: any;
let tokenCache: SpectroCloudTokenCache;
let stopBackend: () => Promise<void>;

beforeAll(async () => {
  palette = await startMockPalette({ port: 0 });
  proxy = await startTokenEndpointProxy(palette.tokenUrl);
  const backend = await startSpectroCloudTestBackend({
    logger: rootLogger,
    providers: {
      development: paletteProviderConfig(palette, {
        tokenUrl: proxy.url,
        timeout: { milliseconds: TIMEOUT_MS },
      }),
    },
  });
  server = backend.server;
  tokenCache = backend.tokenCache;
  stopBackend = backend.stop;
}, 60_000);

afterAll(async () => {
  await stopBackend?.();
  await proxy?.close();
  await palette?.close();
});

beforeEach(async () => {
  await forgetSessions();
  proxy.behaviour = { kind: 'forward' };
  proxy.behaviourFor = undefined;
  palette.settings.sessionTokenDelivery = 'refresh_token';
});

// ---------------------------------------------------------------------------------------------
// Flow helpers
// ---------------------------------------------------------------------------------------------

async function startFlow(extraQuery = ''): Promise<Flow> {
  const { flow, res } = await startFlowOn(server, 'development', extraQuery);
  capture('start', res);
  return flow;
}

/** The mock's user approves the flow's authorization request; returns the authorization code. */
async function approve(flow: Flow, email: string): Promise<string> {
  const code = await approveFlow(palette, flow, email);
  extraSecrets.add(code);
  return code;
}

function callback(
  params: Record<string, string | undefined>,
  cookieHeader?: string,
): Promise<request.Response> {
  return sendCallback(server, params, cookieHeader);
}

/** A sign-in through the real flow that must succeed; returns what the browser got. */
async function signIn(email: string) {
  const flow = await startFlow();
  const code = await approve(flow, email);
  const frame = await callback({ code, state: flow.state }, flow.nonceCookie);
  const payload = framePayload(frame);
  expect(payload.error).toBeUndefined();
  const { accessToken, idToken } = payload.response.providerInfo;
  capture('successful callback', frame, [accessToken, idToken, email]);
  return { flow, code, frame, payload, accessToken, idToken };
}

// ---------------------------------------------------------------------------------------------
// "Nothing stored" assertions
// ---------------------------------------------------------------------------------------------

function expectNothingCachedOrCookied(res: request.Response) {
  return expectNothingStoredWith(res, tokenCache);
}

/** The frame handler answered with its HTML error page (not a 500) and stored nothing. */
async function expectFrameError(
  res: request.Response,
  message: RegExp,
  name = 'AuthenticationError',
) {
  capture(`rejected callback (${message})`, res);
  await expectFrameErrorWith(res, message, tokenCache, name);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A proxy behaviour that replaces the ID token of the genuine token response. */
function forgeIdToken(
  forge: (claims: JWTPayload, original: string) => Promise<string | undefined>,
): TokenProxyBehaviour {
  return {
    kind: 'rewrite',
    transform: async (body: TokenResponseBody) => {
      const original = body.id_token as string;
      const forged = await forge(decodeJwt(original), original);
      const next = { ...body };
      if (forged === undefined) {
        delete next.id_token;
      } else {
        next.id_token = forged;
      }
      return next;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('spectrocloud provider under attack (real backend + mock Palette)', () => {
  it('control: a genuine sign-in through the proxy caches and cookies the session token', async () => {
    const before = proxy.requests.length;
    const { frame, accessToken } = await signIn(ALICE);
    expect(proxy.requests.length).toBe(before + 1);
    expect(cookieValue(cookie(frame, SPECTROCLOUD_API_TOKEN_COOKIE)!)).toBe(
      accessToken,
    );
    expect(cookiesSetWithValue(frame, [REFRESH_COOKIE])).toHaveLength(1);
    expect(getProcessTokenStore().get(ALICE)?.token).toBe(accessToken);
    await expect(
      tokenCache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toMatchObject({ token: accessToken });
  });

  describe('forged ID tokens fed through the token endpoint', () => {
    const otherNonce = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZn';
    const cases: Array<{
      name: string;
      forge: (
        claims: JWTPayload,
        original: string,
      ) => Promise<string | undefined>;
      message: RegExp;
    }> = [
      {
        name: 'signed with a foreign RSA key (header kid of the real key)',
        forge: c => palette.signIdToken(c, { useForeignKey: true }),
        message: /^ID token signature verification failed$/,
      },
      {
        name: 'signed with a foreign RSA key and an unknown kid',
        forge: c =>
          palette.signIdToken(c, { useForeignKey: true, kid: 'attacker' }),
        message: /^ID token signature verification failed: no matching key/,
      },
      {
        name: 'payload changed to another user, original signature kept',
        forge: async (c, original) => {
          const [header, , signature] = original.split('.');
          const payload = Buffer.from(
            JSON.stringify({ ...c, email: BOB }),
          ).toString('base64url');
          return `${header}.${payload}.${signature}`;
        },
        message: /^ID token signature verification failed$/,
      },
      {
        name: 'wrong nonce',
        forge: c => palette.signIdToken({ ...c, nonce: otherNonce }),
        message: /^ID token validation failed: nonce mismatch$/,
      },
      {
        name: 'no nonce (one was sent)',
        forge: ({ nonce: _nonce, ...c }) => palette.signIdToken(c),
        message: /^ID token validation failed: missing nonce claim$/,
      },
      {
        name: 'wrong audience',
        forge: c => palette.signIdToken({ ...c, aud: 'another-client' }),
        message: /^ID token validation failed: audience mismatch$/,
      },
      {
        name: 'an extra audience and no azp',
        forge: c =>
          palette.signIdToken({ ...c, aud: [c.aud, 'another-client'] }),
        message:
          /^ID token validation failed: the ID token has several audiences and no azp claim$/,
      },
      {
        name: 'azp of another client',
        forge: c =>
          palette.signIdToken({
            ...c,
            aud: [c.aud, 'another-client'],
            azp: 'another-client',
          }),
        message:
          /^ID token validation failed: authorized party \(azp\) mismatch$/,
      },
      {
        name: 'wrong issuer',
        forge: c =>
          palette.signIdToken({
            ...c,
            iss: 'http://evil.example/v1/oidc/tenant/demo-tenant',
          }),
        message: /^ID token validation failed: issuer mismatch$/,
      },
      {
        name: 'expired',
        forge: c =>
          palette.signIdToken({
            ...c,
            iat: nowSeconds() - 7200,
            exp: nowSeconds() - 3600,
          }),
        message: /^ID token validation failed: the ID token has expired$/,
      },
      {
        name: 'not valid yet (nbf in the future)',
        forge: c => palette.signIdToken({ ...c, nbf: nowSeconds() + 3600 }),
        message: /^ID token validation failed: the ID token is not valid yet$/,
      },
      {
        name: 'alg none',
        forge: c => palette.signIdToken(c, { alg: 'none' }),
        message:
          /^ID token validation failed: the ID token is not signed with an allowed algorithm \(RS256\)$/,
      },
      {
        name: 'HS256 keyed with the public key (algorithm confusion)',
        forge: c => palette.signIdToken(c, { alg: 'HS256' }),
        message:
          /^ID token validation failed: the ID token is not signed with an allowed algorithm \(RS256\)$/,
      },
      {
        name: 'RS512 with the genuine key (alg is pinned to RS256)',
        forge: c => palette.signIdToken(c, { alg: 'RS512' }),
        message:
          /^ID token validation failed: the ID token is not signed with an allowed algorithm \(RS256\)$/,
      },
      {
        name: 'issuer with a trailing slash',
        forge: c => palette.signIdToken({ ...c, iss: `${c.iss}/` }),
        message: /^ID token validation failed: issuer mismatch$/,
      },
      {
        name: 'issuer in another letter case',
        forge: c =>
          palette.signIdToken({ ...c, iss: String(c.iss).toUpperCase() }),
        message: /^ID token validation failed: issuer mismatch$/,
      },
      {
        name: 'no iss',
        forge: ({ iss: _iss, ...c }) => palette.signIdToken(c),
        message: /^ID token validation failed: missing iss claim$/,
      },
      {
        name: 'no aud',
        forge: ({ aud: _aud, ...c }) => palette.signIdToken(c),
        message: /^ID token validation failed: missing aud claim$/,
      },
      {
        name: 'audiences without the client id (azp = client id)',
        forge: c =>
          palette.signIdToken({
            ...c,
            aud: ['another-client', 'third-client'],
            azp: c.aud,
          }),
        message: /^ID token validation failed: audience mismatch$/,
      },
      {
        name: 'azp of another client with a single audience',
        forge: c => palette.signIdToken({ ...c, azp: 'another-client' }),
        message:
          /^ID token validation failed: authorized party \(azp\) mismatch$/,
      },
      {
        name: 'no exp',
        forge: ({ exp: _exp, ...c }) => palette.signIdToken(c),
        message: /^ID token validation failed: missing exp claim$/,
      },
      {
        name: 'exp as a string',
        forge: c => palette.signIdToken({ ...c, exp: String(c.exp) }),
        message: /^ID token validation failed: malformed exp claim$/,
      },
      {
        name: 'expired just beyond the 5 s clock tolerance',
        forge: c => palette.signIdToken({ ...c, exp: nowSeconds() - 7 }),
        message: /^ID token validation failed: the ID token has expired$/,
      },
      {
        name: 'no iat',
        forge: ({ iat: _iat, ...c }) => palette.signIdToken(c),
        message: /^ID token validation failed: missing iat claim$/,
      },
      {
        name: 'iat as a string',
        forge: c => palette.signIdToken({ ...c, iat: String(c.iat) }),
        message: /^ID token validation failed: malformed iat claim$/,
      },
      {
        name: 'nbf as a string',
        forge: c => palette.signIdToken({ ...c, nbf: String(c.iat) }),
        message: /^ID token validation failed: malformed nbf claim$/,
      },
      {
        name: 'nbf just beyond the 5 s clock tolerance',
        forge: c => palette.signIdToken({ ...c, nbf: nowSeconds() + 8 }),
        message: /^ID token validation failed: the ID token is not valid yet$/,
      },
      {
        name: 'no sub',
        forge: ({ sub: _sub, ...c }) => palette.signIdToken(c),
        message: /^ID token validation failed: missing sub claim$/,
      },
      {
        name: 'an empty sub',
        forge: c => palette.signIdToken({ ...c, sub: '' }),
        message: /^ID token validation failed: malformed sub claim$/,
      },
      {
        name: 'a numeric sub',
        forge: c => palette.signIdToken({ ...c, sub: 42 }),
        message: /^ID token validation failed: malformed sub claim$/,
      },
      {
        name: 'PS256 with the genuine key (not in the default allow-list)',
        forge: c => palette.signIdToken(c, { alg: 'PS256' }),
        message:
          /^ID token validation failed: the ID token is not signed with an allowed algorithm \(RS256\)$/,
      },
      {
        name: 'signature stripped (header.payload.)',
        forge: async (_c, original) =>
          `${original.split('.').slice(0, 2).join('.')}.`,
        message: /^ID token signature verification failed$/,
      },
      {
        name: 'a JWE-shaped token (five parts)',
        forge: async (_c, original) => `${original}.AAAA.BBBB`,
        message: /^ID token validation failed: malformed ID token$/,
      },
      {
        name: 'no email claim',
        forge: ({ email: _email, ...c }) => palette.signIdToken(c),
        message: /^The Palette ID token has no email claim$/,
      },
      {
        name: 'an email claim that is not an email address',
        forge: c => palette.signIdToken({ ...c, email: 'alice' }),
        message: /^The Palette ID token's email claim is not an email address$/,
      },
      {
        name: 'email_verified "false" as a string',
        forge: c => palette.signIdToken({ ...c, email_verified: 'false' }),
        message:
          /^The Palette ID token says the email address is not verified$/,
      },
      {
        name: 'email_verified false',
        forge: c => palette.signIdToken({ ...c, email_verified: false }),
        message:
          /^The Palette ID token says the email address is not verified$/,
      },
      {
        name: 'not a JWT at all',
        forge: async () => 'not-a-jwt',
        message: /^ID token validation failed: malformed ID token$/,
      },
      {
        name: 'missing from the token response',
        forge: async () => undefined,
        message: /^Palette token endpoint returned no ID token$/,
      },
    ];

    it.each(cases)('rejects an ID token: $name', async ({ forge, message }) => {
      const flow = await startFlow();
      const code = await approve(flow, ALICE);
      proxy.behaviour = forgeIdToken(forge);
      const before = proxy.requests.length;
      const res = await callback({ code, state: flow.state }, flow.nonceCookie);
      // the forged answer was really served to the backend
      expect(proxy.requests.length).toBe(before + 1);
      expect(proxy.requests[before].answered).toBeDefined();
      await expectFrameError(res, message);
    });

    it('rejects a forged ID token in the redirect flow too (error in the app URL, nothing stored)', async () => {
      const flow = await startFlow(
        `&flow=redirect&redirectUrl=${encodeURIComponent(
          'http://localhost:3000/after-sign-in',
        )}`,
      );
      const code = await approve(flow, ALICE);
      proxy.behaviour = forgeIdToken(c =>
        palette.signIdToken(c, { useForeignKey: true }),
      );
      const res = capture(
        'rejected redirect-flow callback',
        await callback({ code, state: flow.state }, flow.nonceCookie),
      );
      expect(res.status).toBe(302);
      const location = new URL(res.headers.location);
      expect(location.origin).toBe('http://localhost:3000');
      expect(location.searchParams.get('error')).toBe(
        'ID token signature verification failed',
      );
      await expectNothingCachedOrCookied(res);
    });
  });

  describe('session tokens that do not belong to the signed-in user', () => {
    it('refuses a session token of ANOTHER user (refresh_token of bob, ID token of alice)', async () => {
      const flow = await startFlow();
      const code = await approve(flow, ALICE);
      const bobsToken = await palette.issueSessionToken(BOB);
      extraSecrets.add(bobsToken);
      proxy.behaviour = {
        kind: 'rewrite',
        transform: async body => ({ ...body, refresh_token: bobsToken }),
      };
      const res = await callback({ code, state: flow.state }, flow.nonceCookie);
      await expectFrameError(
        res,
        /^Palette returned a session token for another user than the ID token$/,
      );
      expect(res.text).not.toContain(bobsToken);
    });

    const ignored: Array<{
      name: string;
      refreshToken: () => Promise<string>;
    }> = [
      {
        name: 'an already expired session token',
        refreshToken: () => palette.issueSessionToken(ALICE, -60),
      },
      {
        name: 'an opaque (non-JWT) refresh_token',
        refreshToken: async () => 'opaque-refresh-token-value',
      },
      {
        name: 'an RS256 JWT (not a Palette session token)',
        refreshToken: () =>
          palette.signIdToken({ email: ALICE, exp: nowSeconds() + 600 }),
      },
    ];

    it.each(ignored)(
      'signs in without caching or cookieing $name',
      async ({ refreshToken }) => {
        const flow = await startFlow();
        const code = await approve(flow, ALICE);
        const value = await refreshToken();
        extraSecrets.add(value);
        proxy.behaviour = {
          kind: 'rewrite',
          transform: async body => ({ ...body, refresh_token: value }),
        };
        const res = await callback(
          { code, state: flow.state },
          flow.nonceCookie,
        );
        const payload = framePayload(res);
        capture('callback without a usable session token', res, [
          payload.response?.providerInfo?.idToken,
          ALICE,
        ]);
        expect(payload.error).toBeUndefined();
        expect(payload.response.providerInfo.accessToken).toBe('');
        expect(payload.response.backstageIdentity.identity.userEntityRef).toBe(
          'user:default/alice',
        );
        expect(res.text).not.toContain(value);
        expect(cookie(res, SPECTROCLOUD_API_TOKEN_COOKIE)).toBeUndefined();
        expect(getProcessTokenStore().size).toBe(0);
      },
    );
  });

  describe('a failing or misbehaving token endpoint', () => {
    const cases: Array<{
      name: string;
      behaviour: (code: string) => TokenProxyBehaviour;
      message: RegExp;
      /** Bounds of the callback's duration in milliseconds (default 0 to TIMEOUT_MS: no wait). */
      minMs?: number;
      maxMs?: number;
    }> = [
      {
        name: 'an HTML page with HTTP 500',
        behaviour: code => ({
          kind: 'respond',
          status: 500,
          contentType: 'text/html',
          body: `<html><body>Internal error for ${code} ${palette.clientSecret}</body></html>`,
        }),
        message: /^Palette token endpoint answered with HTTP 500$/,
      },
      {
        name: 'an HTML page with HTTP 200',
        behaviour: code => ({
          kind: 'respond',
          status: 200,
          contentType: 'text/html',
          body: `<html>${code}</html>`,
        }),
        message: /^Palette token endpoint returned a non-JSON response$/,
      },
      {
        name: 'an OAuth error whose description echoes the code',
        behaviour: code => ({
          kind: 'respond',
          status: 400,
          contentType: 'application/json',
          body: JSON.stringify({
            error: 'invalid_grant',
            error_description: `code ${code} is bad`,
          }),
        }),
        message: /^Palette token endpoint rejected the request: invalid_grant$/,
      },
      {
        name: 'an OAuth error whose error field carries the code',
        behaviour: code => ({
          kind: 'respond',
          status: 400,
          contentType: 'application/json',
          body: JSON.stringify({ error: `bad code ${code}` }),
        }),
        message:
          /^Palette token endpoint rejected the request: unrecognised error$/,
      },
      {
        name: 'a redirect',
        behaviour: () => ({
          kind: 'respond',
          status: 302,
          contentType: 'text/plain',
          body: '',
        }),
        message: /^Palette token endpoint answered with HTTP 302$/,
      },
      {
        name: 'a reset connection',
        behaviour: () => ({ kind: 'reset' }),
        message: /^Palette could not be reached \(ECONNRESET\)$/,
      },
      {
        name: 'no answer at all (hang before headers)',
        behaviour: () => ({ kind: 'hangBeforeHeaders' }),
        message: new RegExp(`^Palette did not answer within ${TIMEOUT_MS} ms$`),
        minMs: TIMEOUT_MS - 100,
        maxMs: TIMEOUT_MS + 1500,
      },
      {
        name: 'headers, then a body that never ends',
        behaviour: () => ({ kind: 'hangInBody' }),
        message: new RegExp(`^Palette did not answer within ${TIMEOUT_MS} ms$`),
        minMs: TIMEOUT_MS - 100,
        maxMs: 2 * TIMEOUT_MS + 1500,
      },
      {
        name: 'a body trickling one byte at a time (defeats idle timeouts)',
        behaviour: () => ({ kind: 'trickleBody', intervalMs: 200 }),
        message: new RegExp(`^Palette did not answer within ${TIMEOUT_MS} ms$`),
        minMs: TIMEOUT_MS - 100,
        maxMs: 2 * TIMEOUT_MS + 1500,
      },
    ];

    it.each(cases)(
      'turns $name into an auth error',
      async ({ behaviour, message, minMs = 0, maxMs = TIMEOUT_MS }) => {
        const flow = await startFlow();
        const code = await approve(flow, ALICE);
        proxy.behaviour = behaviour(code);
        const started = Date.now();
        const res = await callback(
          { code, state: flow.state },
          flow.nonceCookie,
        );
        const elapsed = Date.now() - started;
        await expectFrameError(res, message);
        expect(res.text).not.toContain(code);
        expect(res.text).not.toContain(palette.clientSecret);
        expect(elapsed).toBeGreaterThanOrEqual(minMs);
        expect(elapsed).toBeLessThan(maxMs);
      },
    );
  });

  describe('tampered callbacks', () => {
    const cases: Array<{
      name: string;
      /** Builds the callback request from a victim flow (and returns it, sent). */
      send: (victim: Flow) => Promise<request.Response>;
      message: RegExp;
      errorName?: string;
      /** Whether the token endpoint may be called at all. */
      exchanges: boolean;
    }> = [
      {
        name: 'state of another flow than the nonce cookie',
        send: async victim => {
          const other = await startFlow();
          const code = await approve(other, ALICE);
          return callback({ code, state: other.state }, victim.nonceCookie);
        },
        message: /^Invalid nonce$/,
        errorName: 'NotAllowedError',
        exchanges: false,
      },
      {
        name: 'no nonce cookie',
        send: async victim => {
          const code = await approve(victim, ALICE);
          return callback({ code, state: victim.state });
        },
        message: /^Auth response is missing cookie nonce$/,
        errorName: 'NotAllowedError',
        exchanges: false,
      },
      {
        name: 'a malformed state',
        send: async victim => {
          const code = await approve(victim, ALICE);
          return callback({ code, state: 'zz-not-hex' }, victim.nonceCookie);
        },
        message: /^The authorization response has no valid OAuth state$/,
        exchanges: false,
      },
      {
        name: 'no state at all',
        send: async victim => {
          const code = await approve(victim, ALICE);
          return callback({ code }, victim.nonceCookie);
        },
        message: /^The authorization response has no valid OAuth state$/,
        exchanges: false,
      },
      {
        name: 'a state naming an environment that is not configured',
        send: async victim => {
          const code = await approve(victim, ALICE);
          const nonce = decodeURIComponent(
            victim.nonceCookie.split('=').slice(1).join('='),
          );
          return callback(
            { code, state: encodeOAuthState({ nonce, env: 'production' }) },
            victim.nonceCookie,
          );
        },
        message: /^The authorization response has no valid OAuth state$/,
        exchanges: false,
      },
      {
        name: 'an iss parameter naming another issuer (RFC 9207)',
        send: async victim => {
          const code = await approve(victim, ALICE);
          return callback(
            { code, state: victim.state, iss: 'http://evil.example' },
            victim.nonceCookie,
          );
        },
        message: /^Authorization response validation failed: issuer mismatch$/,
        exchanges: false,
      },
      {
        name: 'no authorization code',
        send: victim => callback({ state: victim.state }, victim.nonceCookie),
        message: /^The authorization response has no authorization code$/,
        exchanges: false,
      },
      {
        name: 'error=access_denied (the user declined)',
        send: victim =>
          callback(
            {
              error: 'access_denied',
              error_description: `${ALICE} declined`,
              state: victim.state,
            },
            victim.nonceCookie,
          ),
        message: /^Sign-in was cancelled$/,
        exchanges: false,
      },
      {
        name: 'an error parameter carrying injected text',
        send: victim =>
          callback(
            {
              error: `<script>alert(1)</script> ${ALICE}`,
              state: victim.state,
            },
            victim.nonceCookie,
          ),
        message:
          /^Palette returned an authorization error: unrecognised error$/,
        exchanges: false,
      },
      {
        name: "an attacker's own code injected into the victim's flow (PKCE binds the code)",
        send: async victim => {
          const attacker = await startFlow();
          const code = await approve(attacker, BOB);
          return callback({ code, state: victim.state }, victim.nonceCookie);
        },
        message: /^Palette token endpoint rejected the request: invalid_grant$/,
        exchanges: true,
      },
      {
        name: 'a code approved without a PKCE challenge',
        send: async victim => {
          const code = await palette.authorize({
            email: BOB,
            redirectUri: victim.query.get('redirect_uri')!,
            state: victim.state,
            nonce: victim.query.get('nonce')!,
          });
          extraSecrets.add(code);
          return callback({ code, state: victim.state }, victim.nonceCookie);
        },
        message: /^Palette token endpoint rejected the request: invalid_grant$/,
        exchanges: true,
      },
      {
        name: "POST with the victim's state in the query and the attacker's state + code in the body",
        send: async victim => {
          const attacker = await startFlow();
          const code = await approve(attacker, BOB);
          return request(server)
            .post(
              `${AUTH}/handler/frame?${new URLSearchParams({
                state: victim.state,
              })}`,
            )
            .set('Cookie', victim.nonceCookie)
            .type('form')
            .send(
              new URLSearchParams({ code, state: attacker.state }).toString(),
            );
        },
        message: /^Authorization response validation failed: state mismatch$/,
        exchanges: false,
      },
    ];

    it.each(cases)(
      'rejects $name',
      async ({ send, message, errorName, exchanges }) => {
        const victim = await startFlow();
        const before = proxy.requests.length;
        const res = await send(victim);
        await expectFrameError(res, message, errorName);
        expect(proxy.requests.length - before).toBe(exchanges ? 1 : 0);
      },
    );
  });

  describe('replayed callbacks', () => {
    it.each(['refresh_token', 'code'] as const)(
      'a second use of the same code + state is refused before any token request and changes nothing (session token delivered as %s)',
      async delivery => {
        palette.settings.sessionTokenDelivery = delivery;
        const { flow, code, accessToken } = await signIn(ALICE);
        const cached = getProcessTokenStore().get(ALICE);
        expect(cached?.token).toBe(accessToken);
        const tokenRequests = proxy.requests.length;

        const replay = capture(
          'replayed callback',
          await callback({ code, state: flow.state }, flow.nonceCookie),
        );
        const payload = framePayload(replay);
        expect(payload.response).toBeUndefined();
        expect(payload.error).toEqual({
          name: 'AuthenticationError',
          message:
            'This authorization response was already used; start the sign-in again',
        });
        expect(proxy.requests.length).toBe(tokenRequests);
        expect(setCookies(replay)).toEqual([]);
        // the first sign-in's entry is untouched
        expect(getProcessTokenStore().get(ALICE)).toEqual(cached);
        expect(getProcessTokenStore().size).toBe(1);
        await expect(
          tokenCache.getSessionTokenForUser('user:default/alice'),
        ).resolves.toEqual(cached);
      },
    );

    it('a callback whose exchange failed cannot be retried with the same state either', async () => {
      const flow = await startFlow();
      const code = await approve(flow, ALICE);
      proxy.behaviour = {
        kind: 'respond',
        status: 503,
        contentType: 'text/html',
        body: '<html>busy</html>',
      };
      await expectFrameError(
        await callback({ code, state: flow.state }, flow.nonceCookie),
        /^Palette token endpoint answered with HTTP 503$/,
      );
      proxy.behaviour = { kind: 'forward' };
      const before = proxy.requests.length;
      await expectFrameError(
        await callback({ code, state: flow.state }, flow.nonceCookie),
        /^This authorization response was already used/,
      );
      expect(proxy.requests.length).toBe(before);
    });
  });

  describe('forged or tampered refresh cookies', () => {
    let genuine: { refreshCookie: string; idToken: string };

    beforeAll(async () => {
      await forgetSessions();
      const { frame, idToken } = await signIn(ALICE);
      genuine = {
        refreshCookie: cookieValue(cookie(frame, REFRESH_COOKIE)!),
        idToken,
      };
    });

    const flip = (s: string, index: number) =>
      `${s.slice(0, index)}${s[index] === 'A' ? 'B' : 'A'}${s.slice(
        index + 1,
      )}`;

    const cases: Array<{ name: string; value: () => Promise<string> }> = [
      {
        name: 'ciphertext tampered',
        value: async () => {
          const parts = genuine.refreshCookie.split('.');
          parts[3] = flip(parts[3], 5);
          return parts.join('.');
        },
      },
      {
        name: 'authentication tag tampered',
        value: async () => {
          const parts = genuine.refreshCookie.split('.');
          parts[4] = flip(parts[4], 2);
          return parts.join('.');
        },
      },
      {
        name: 'sealed with the key of another client secret (bob impersonation)',
        value: async () => {
          const foreignKeys = deriveFlowKeys(
            'not-the-secret',
            palette.clientId,
          );
          return sealSession(
            'a-session-id-of-another-deployment',
            foreignKeys.sealKey,
            nowSeconds() + 600,
          );
        },
      },
      {
        name: 'an unsecured JWT with the same claims',
        value: async () =>
          new UnsecuredJWT({
            idToken: genuine.idToken,
            iss: 'backstage-plugin-spectrocloud-auth-backend',
          })
            .setExpirationTime('10m')
            .encode(),
      },
      {
        name: 'the genuine ID token itself',
        value: async () => genuine.idToken,
      },
      {
        name: 'garbage',
        value: async () => 'garbage',
      },
    ];

    it.each(cases)('refresh rejects a cookie: $name', async ({ value }) => {
      await forgetSessions();
      const res = capture(
        'rejected refresh',
        await request(server)
          .get(`${AUTH}/refresh?env=development&optional`)
          .set('Cookie', `${REFRESH_COOKIE}=${await value()}`)
          .set('X-Requested-With', 'XMLHttpRequest'),
      );
      expect(res.status).toBe(401);
      expect(res.body.error.name).toBe('AuthenticationError');
      await expectNothingCachedOrCookied(res);
    });

    it('refresh without the X-Requested-With header is refused even with a genuine cookie', async () => {
      await forgetSessions();
      const res = capture(
        'refresh without XRW',
        await request(server)
          .get(`${AUTH}/refresh?env=development`)
          .set('Cookie', `${REFRESH_COOKIE}=${genuine.refreshCookie}`),
      );
      expect(res.status).toBe(401);
      await expectNothingCachedOrCookied(res);
    });

    it("logout with a forged cookie naming alice does not delete alice's cache entry", async () => {
      await forgetSessions();
      const { accessToken } = await signIn(ALICE);
      const forged = await cases[2].value();
      const res = capture(
        'logout with a forged cookie',
        await request(server)
          .post(`${AUTH}/logout?env=development`)
          .set('Cookie', `${REFRESH_COOKIE}=${forged}`)
          .set('X-Requested-With', 'XMLHttpRequest'),
      );
      expect(res.status).toBe(200);
      expect(getProcessTokenStore().get(ALICE)?.token).toBe(accessToken);
    });
  });

  it('refresh after logout with the same cookie jar is a 401 and restores nothing', async () => {
    const jar = new CookieJar();
    const start = capture(
      'start',
      await request(server).get(`${AUTH}/start?env=development`),
    );
    jar.apply(start);
    const query = new URL(start.headers.location).searchParams;
    const flow: Flow = {
      env: 'development',
      state: query.get('state')!,
      nonceCookie: '',
      query,
      url: new URL(start.headers.location),
    };
    const code = await approve(flow, ALICE);
    const frame = await callback({ code, state: flow.state }, jar.header());
    const payload = framePayload(frame);
    capture('successful callback (jar)', frame, [
      payload.response.providerInfo.accessToken,
      payload.response.providerInfo.idToken,
      ALICE,
    ]);
    jar.apply(frame);
    expect(jar.names()).toEqual(
      expect.arrayContaining([REFRESH_COOKIE, SPECTROCLOUD_API_TOKEN_COOKIE]),
    );

    const refresh = await request(server)
      .get(`${AUTH}/refresh?env=development&optional`)
      .set('Cookie', jar.header())
      .set('X-Requested-With', 'XMLHttpRequest');
    capture('refresh (jar)', refresh, [
      refresh.body.providerInfo?.accessToken,
      refresh.body.providerInfo?.idToken,
      ALICE,
    ]);
    expect(refresh.status).toBe(200);
    jar.apply(refresh);

    const logout = capture(
      'logout (jar)',
      await request(server)
        .post(`${AUTH}/logout?env=development`)
        .set('Cookie', jar.header())
        .set('X-Requested-With', 'XMLHttpRequest'),
    );
    expect(logout.status).toBe(200);
    jar.apply(logout);
    expect(jar.names()).not.toContain(REFRESH_COOKIE);
    expect(jar.names()).not.toContain(SPECTROCLOUD_API_TOKEN_COOKIE);
    expect(getProcessTokenStore().size).toBe(0);

    const after = capture(
      'refresh after logout (jar)',
      await request(server)
        .get(`${AUTH}/refresh?env=development&optional`)
        .set('Cookie', jar.header())
        .set('X-Requested-With', 'XMLHttpRequest'),
    );
    expect(after.status).toBe(401);
    await expectNothingCachedOrCookied(after);
  });

  it('leaked no token, code, client secret, PKCE verifier or full email into logs, errors, URLs or cookies', () => {
    const secrets = new Set<string>(extraSecrets);
    secrets.add(palette.clientSecret);
    for (const { form, authorization, upstream, answered } of proxy.requests) {
      for (const key of ['code', 'code_verifier', 'client_secret']) {
        const value = form.get(key);
        if (value) secrets.add(value);
      }
      if (authorization) secrets.add(authorization.replace(/^Basic /, ''));
      for (const body of [upstream, answered]) {
        for (const key of ['id_token', 'refresh_token', 'access_token']) {
          const value = body?.[key];
          if (typeof value === 'string' && value.length > 8) secrets.add(value);
        }
      }
    }
    const verifiers = proxy.requests
      .map(r => r.form.get('code_verifier'))
      .filter(Boolean);
    // The scan is only meaningful if it saw real values.
    expect(verifiers.length).toBeGreaterThanOrEqual(20);
    expect(secrets.size).toBeGreaterThanOrEqual(100);

    const logs = logLines.join('\n');
    const leaks: string[] = [];
    for (const secret of secrets) {
      if (logs.includes(secret)) leaks.push(`log line contains a secret`);
    }
    for (const email of EMAILS) {
      if (logs.toLowerCase().includes(email)) leaks.push(`log names ${email}`);
    }
    for (const { what, res, allowed } of captured) {
      const location = String(res.headers.location ?? '');
      const cookies = setCookies(res).join('\n');
      const body = res.text ?? '';
      for (const secret of secrets) {
        if (location.includes(secret)) leaks.push(`${what}: Location`);
        if (allowed.includes(secret)) continue;
        if (body.includes(secret)) leaks.push(`${what}: body`);
        if (cookies.includes(secret)) leaks.push(`${what}: Set-Cookie`);
      }
      for (const email of EMAILS) {
        if (allowed.includes(email)) continue;
        if (`${location}\n${body}`.toLowerCase().includes(email)) {
          leaks.push(`${what}: names ${email}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});
