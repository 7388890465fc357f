/**
 * Interop with a certified OpenID Provider: the REAL backend signs in against `oidc-provider` (the
 * OpenID-certified Node.js OP from npm) configured as a plain standards OP: discovery, code flow,
 * PKCE required, client_secret_basic, RS256, RFC 9207 `iss` in the authorization response, its
 * stock login and consent pages. No Palette session token exists there, so the sign-in succeeds
 * without one (nothing cached or cookied for the Palette API), as designed.
 */
import { getProcessTokenStore } from '@terasky/backstage-plugin-spectrocloud-token-cache/legacy';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { SPECTROCLOUD_API_TOKEN_COOKIE } from './index';
import { cookie, cookiesSetWithValue } from './__testUtils__/browserCookies';
import { createLogCapture } from './__testUtils__/logCapture';
import {
  loginAndConsent,
  OidcProviderProcess,
  startOidcProvider,
} from './__testUtils__/oidcProvider';
import {
  AUTH,
  expectFrameError,
  framePayload,
  REFRESH_COOKIE,
  sendCallback,
  startFlow,
} from './__testUtils__/signInFlow';
import {
  ALICE,
  SpectroCloudTestBackend,
  forgetSessions,
  startSpectroCloudTestBackend,
} from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const CLIENT_ID = 'backstage-interop';
const CLIENT_SECRET = 'interop-client-secret-0123456789';
const CALLBACK_URL =
  'http://localhost:7007/api/auth/spectrocloud/handler/frame';
const { lines: logLines, logger } = createLogCapture();

let op: OidcProviderProcess;
let backend: SpectroCloudTestBackend;

beforeAll(async () => {
  op = await startOidcProvider({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: CALLBACK_URL,
    accounts: {
      alice: {
        email: ALICE,
        email_verified: true,
        given_name: 'Alice',
        family_name: 'Anderson',
      },
      'unverified-alice': { email: ALICE, email_verified: false },
    },
  });
  const base = {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    authorizationUrl: `${op.issuer}/auth`,
    callbackUrl: CALLBACK_URL,
    signIn: {
      resolvers: [{ resolver: 'emailMatchingUserEntityProfileEmail' }],
    },
  };
  backend = await startSpectroCloudTestBackend({
    logger,
    providers: {
      standard: { ...base, discovery: 'required' },
      pinned: { ...base, issuer: op.issuer, idTokenSigningAlgs: ['PS256'] },
    },
  });
}, 60_000);

afterAll(async () => {
  await backend?.stop();
  await op?.stop();
});

beforeEach(() => forgetSessions());

async function signInAt(env: string, account: string) {
  const { flow } = await startFlow(backend.server, env);
  const redirect = await loginAndConsent(flow.url.toString(), account);
  expect(`${redirect.origin}${redirect.pathname}`).toBe(CALLBACK_URL);
  const res = await sendCallback(
    backend.server,
    Object.fromEntries(redirect.searchParams),
    flow.nonceCookie,
  );
  return { flow, redirect, res };
}

describe('interop with oidc-provider (OpenID-certified OP)', () => {
  it('publishes a standard discovery document with PKCE and RFC 9207', async () => {
    const doc = await (
      await fetch(`${op.issuer}/.well-known/openid-configuration`)
    ).json();
    expect(doc.issuer).toBe(op.issuer);
    expect(doc.authorization_endpoint).toBe(`${op.issuer}/auth`);
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    expect(doc.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('signs alice in: discovery, PKCE S256, client_secret_basic, RS256, no Palette session token', async () => {
    const { flow, redirect, res } = await signInAt('standard', 'alice');
    expect(flow.url.origin).toBe(op.issuer);
    expect(flow.query.get('code_challenge_method')).toBe('S256');
    expect(redirect.searchParams.get('iss')).toBe(op.issuer);

    const payload = framePayload(res);
    expect(payload.error).toBeUndefined();
    expect(payload.response.profile).toEqual({
      email: ALICE,
      displayName: 'Alice Anderson',
    });
    expect(payload.response.backstageIdentity.identity.userEntityRef).toBe(
      'user:default/alice',
    );
    const { idToken, accessToken } = payload.response.providerInfo;
    expect(decodeProtectedHeader(idToken)).toMatchObject({
      alg: 'RS256',
      kid: 'interop-rs256',
    });
    expect(decodeJwt(idToken)).toMatchObject({
      iss: op.issuer,
      aud: CLIENT_ID,
      sub: 'alice',
      nonce: flow.query.get('nonce'),
    });
    // no Palette session token at a plain OP: signed in, nothing for the Palette API
    expect(accessToken).toBe('');
    expect(cookie(res, SPECTROCLOUD_API_TOKEN_COOKIE)).toBeUndefined();
    expect(cookiesSetWithValue(res, [REFRESH_COOKIE])).toHaveLength(1);
    expect(getProcessTokenStore().size).toBe(0);
    expect(logLines.join('\n')).toContain('Palette returned no session token');

    // the session refreshes from the sealed cookie without the OP
    const refresh = await request(backend.server)
      .get(`${AUTH}/refresh?env=standard&optional`)
      .set('Cookie', cookie(res, REFRESH_COOKIE)!.split(';')[0])
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(refresh.status).toBe(200);
    expect(refresh.body.profile.email).toBe(ALICE);
  });

  it("refuses the certified OP's unverified email like any other", async () => {
    const { res } = await signInAt('standard', 'unverified-alice');
    await expectFrameError(
      res,
      /^The Palette ID token says the email address is not verified$/,
      backend.tokenCache,
    );
  });

  it('refuses a replayed callback and a forged iss parameter before any token request', async () => {
    const { flow, redirect, res } = await signInAt('standard', 'alice');
    expect(framePayload(res).error).toBeUndefined();
    await forgetSessions();
    await expectFrameError(
      await sendCallback(
        backend.server,
        Object.fromEntries(redirect.searchParams),
        flow.nonceCookie,
      ),
      /^This authorization response was already used/,
      backend.tokenCache,
    );

    const second = await startFlow(backend.server, 'standard');
    const approved = await loginAndConsent(second.flow.url.toString(), 'alice');
    const forged = Object.fromEntries(approved.searchParams);
    forged.iss = 'http://evil.example';
    await expectFrameError(
      await sendCallback(backend.server, forged, second.flow.nonceCookie),
      /^Authorization response validation failed: issuer mismatch$/,
      backend.tokenCache,
    );
    const { iss: _iss, ...withoutIss } = Object.fromEntries(
      approved.searchParams,
    );
    await expectFrameError(
      await sendCallback(backend.server, withoutIss, second.flow.nonceCookie),
      /^Authorization response validation failed: no iss parameter$/,
      backend.tokenCache,
    );
  });

  it("refuses the OP's RS256 ID token where only PS256 is allowed", async () => {
    const { res } = await signInAt('pinned', 'alice');
    await expectFrameError(
      res,
      /^ID token validation failed: the ID token is not signed with an allowed algorithm \(PS256\)$/,
      backend.tokenCache,
    );
  });

  it('logged no token, code, secret or email', () => {
    const all = logLines.join('\n');
    expect(all).not.toContain(CLIENT_SECRET);
    expect(all.toLowerCase()).not.toContain(ALICE);
    expect(op.stderr.join('')).not.toMatch(/server_error/);
  });
});
