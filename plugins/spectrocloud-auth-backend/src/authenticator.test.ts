import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthenticationError } from '@backstage/errors';
import { encodeOAuthState } from '@backstage/plugin-auth-node';
import { compactDecrypt } from 'jose';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { SpectroCloudSessions } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import {
  createMemoryKeyValueStore,
  SessionStore,
} from '@terasky/backstage-plugin-spectrocloud-token-cache/sessions';
import { createSpectroCloudAuthenticator } from './authenticator';
import {
  createFakePalette,
  FakePalette,
  s256,
} from './__testUtils__/fakePalette';

const CALLBACK = 'http://localhost:7007/api/auth/spectrocloud/handler/frame';
const server = setupServer();
let palette: FakePalette;
const NOW = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  palette = await createFakePalette();
  server.listen({ onUnhandledRequest: 'error' });
});
beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
  server.use(...palette.handlers);
});
afterEach(() => {
  server.resetHandlers();
  jest.restoreAllMocks();
});
afterAll(() => server.close());

function setup(
  extraConfig: Record<string, unknown> = {},
  sessions?: SpectroCloudSessions,
) {
  const logger = mockServices.logger.mock();
  const authenticator = createSpectroCloudAuthenticator({ logger, sessions });
  const ctx = authenticator.initialize({
    callbackUrl: CALLBACK,
    config: new ConfigReader({
      clientId: palette.clientId,
      clientSecret: palette.clientSecret,
      authorizationUrl: palette.authorizationUrl,
      ...extraConfig,
    }),
  });
  return { authenticator, ctx, logger };
}

async function start(
  { authenticator, ctx }: ReturnType<typeof setup>,
  stateNonce = 'c3RhdGUtbm9uY2UtMQ==',
) {
  const state = encodeOAuthState({ nonce: stateNonce, env: 'development' });
  const { url } = await authenticator.start(
    { scope: '', state, req: {} as any },
    ctx,
  );
  return { state, url: new URL(url) };
}

/** A GET callback request shaped like express's (`url` and the parsed `query`). */
function callbackRequest(code: string, state: string) {
  return {
    method: 'GET',
    url: `/api/auth/spectrocloud/handler/frame?${new URLSearchParams({
      code,
      state,
    })}`,
    query: { code, state },
  } as any;
}

interface TokenCall {
  form: URLSearchParams;
  authorization: string | null;
}

/** Installs a token endpoint answering `reply(nonce)`; returns the recorded calls. */
function tokenEndpoint(
  reply: (call: TokenCall) => Promise<Response> | Response,
  url = palette.tokenUrl,
): TokenCall[] {
  const calls: TokenCall[] = [];
  server.use(
    http.post(url, async ({ request }) => {
      const call = {
        form: new URLSearchParams(await request.text()),
        authorization: request.headers.get('authorization'),
      };
      calls.push(call);
      return reply(call);
    }),
  );
  return calls;
}

async function runFlow(
  s: ReturnType<typeof setup>,
  reply: (nonce: string, call: TokenCall) => Promise<Response> | Response,
  code = 'opaque-authorization-code-123',
) {
  const { state, url } = await start(s);
  const nonce = url.searchParams.get('nonce')!;
  const calls = tokenEndpoint(call => reply(nonce, call));
  const result = s.authenticator.authenticate(
    { req: callbackRequest(code, state) },
    s.ctx,
  );
  return { result, calls, url, state, nonce };
}

async function expectAuthError(promise: Promise<unknown>, message: string) {
  const error = await promise.then(
    () => undefined,
    e => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  expect(error.message).toBe(message);
  return error as Error;
}

describe('start', () => {
  it('redirects to the configured authorization URL with state, nonce and an S256 challenge', async () => {
    const s = setup({ prompt: 'login' });
    const { state, url } = await start(s);
    expect(`${url.origin}${url.pathname}`).toBe(palette.authorizationUrl);
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(palette.clientId);
    expect(q.get('redirect_uri')).toBe(CALLBACK);
    expect(q.get('scope')).toBe('openid profile email');
    expect(q.get('state')).toBe(state);
    expect(q.get('prompt')).toBe('login');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.has('code_verifier')).toBe(false);
  });

  it('derives the same nonce and challenge for the same state, different ones for another state', async () => {
    const a1 = await start(setup(), 'bm9uY2UtQQ==');
    const a2 = await start(setup(), 'bm9uY2UtQQ==');
    const b = await start(setup(), 'bm9uY2UtQg==');
    for (const key of ['nonce', 'code_challenge']) {
      expect(a1.url.searchParams.get(key)).toBe(a2.url.searchParams.get(key));
      expect(b.url.searchParams.get(key)).not.toBe(
        a1.url.searchParams.get(key),
      );
    }
    expect(a1.url.searchParams.get('nonce')).not.toBe(
      a1.url.searchParams.get('code_challenge'),
    );
  });
});

describe('authenticate', () => {
  it('exchanges the code with PKCE and client_secret_basic and returns the Palette session', async () => {
    const s = setup();
    const sessionToken = await palette.sessionToken({
      email: 'alice@example.com',
      exp: NOW + 900,
    });
    let idToken = '';
    const { result, calls, url } = await runFlow(s, async nonce => {
      idToken = await palette.idToken({ nonce });
      return HttpResponse.json({
        access_token: 'opaque-access-token',
        token_type: 'bearer',
        id_token: idToken,
        refresh_token: sessionToken,
        expires_in: 3600,
      });
    });
    const { fullProfile, session } = await result;

    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call.form.get('grant_type')).toBe('authorization_code');
    expect(call.form.get('code')).toBe('opaque-authorization-code-123');
    expect(call.form.get('redirect_uri')).toBe(CALLBACK);
    expect(call.form.has('client_secret')).toBe(false);
    // RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined with ':' and base64-encoded.
    const form = (v: string) =>
      encodeURIComponent(v).replace(
        /[-_.!~*'()]/g,
        c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );
    expect(call.authorization).toBe(
      `Basic ${Buffer.from(
        `${form(palette.clientId)}:${form(palette.clientSecret)}`,
      ).toString('base64')}`,
    );
    const verifier = call.form.get('code_verifier')!;
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s256(verifier)).toBe(url.searchParams.get('code_challenge'));

    expect(fullProfile).toMatchObject({
      sub: 'user-uid-1',
      email: 'alice@example.com',
      displayName: 'Alice Anders',
    });
    expect(session).toMatchObject({
      accessToken: sessionToken,
      idToken,
      tokenType: 'Bearer',
      scope: 'openid profile email',
      expiresInSeconds: 900,
      // the absolute session lifetime (sessionDuration, default 12 h)
      refreshTokenExpiresInSeconds: 12 * 3600,
    });
    // The refresh token is a sealed JWE, not a readable token.
    expect(session.refreshToken!.split('.')).toHaveLength(5);
    expect(session.refreshToken).not.toContain(sessionToken.split('.')[1]);
    await expect(
      compactDecrypt(session.refreshToken!, new Uint8Array(32)),
    ).rejects.toThrow();
    expect(s.logger.warn).not.toHaveBeenCalled();

    const { defaultProfileTransform } = s.authenticator;
    await expect(
      defaultProfileTransform({ fullProfile, session }, {} as any),
    ).resolves.toEqual({
      profile: { email: 'alice@example.com', displayName: 'Alice Anders' },
    });
  });

  it('sends client_secret_post when configured', async () => {
    const s = setup({ tokenEndpointAuthMethod: 'client_secret_post' });
    const { result, calls } = await runFlow(s, async nonce =>
      HttpResponse.json({
        access_token: 'opaque-access-token',
        token_type: 'bearer',
        id_token: await palette.idToken({ nonce }),
      }),
    );
    await result;
    expect(calls[0].authorization).toBeNull();
    expect(calls[0].form.get('client_id')).toBe(palette.clientId);
    expect(calls[0].form.get('client_secret')).toBe(palette.clientSecret);
  });

  it('takes the session token from the authorization code when there is no refresh_token', async () => {
    const s = setup();
    const codeToken = await palette.sessionToken({
      email: 'alice@example.com',
      exp: NOW + 600,
    });
    const { result } = await runFlow(
      s,
      async nonce =>
        HttpResponse.json({
          access_token: 'opaque-access-token',
          token_type: 'bearer',
          id_token: await palette.idToken({ nonce }),
        }),
      codeToken,
    );
    const { session } = await result;
    expect(session.accessToken).toBe(codeToken);
    expect(session.expiresInSeconds).toBe(600);
  });

  it.each(['refresh_token', 'authorization code'])(
    'rejects a session token (as the %s) that names another user than the ID token',
    async where => {
      const s = setup();
      const foreign = await palette.sessionToken({
        email: 'bob@example.com',
        exp: NOW + 900,
      });
      const viaCode = where === 'authorization code';
      const { result } = await runFlow(
        s,
        async nonce =>
          HttpResponse.json({
            access_token: 'opaque-access-token',
            token_type: 'bearer',
            id_token: await palette.idToken({ nonce }),
            ...(viaCode ? {} : { refresh_token: foreign }),
          }),
        viaCode ? foreign : undefined,
      );
      const error = await expectAuthError(
        result,
        'Palette returned a session token for another user than the ID token',
      );
      expect(error.message).not.toContain('bob');
    },
  );

  it('accepts a session token whose email differs only in case and spaces', async () => {
    const s = setup();
    const sessionToken = await palette.sessionToken({
      email: ' Alice@Example.COM ',
      exp: NOW + 900,
    });
    const { result } = await runFlow(s, async nonce =>
      HttpResponse.json({
        access_token: 'opaque-access-token',
        token_type: 'bearer',
        id_token: await palette.idToken({ nonce }),
        refresh_token: sessionToken,
      }),
    );
    await expect(result).resolves.toMatchObject({
      session: { accessToken: sessionToken },
    });
  });

  it('uses only the state Backstage checked: a POST body with another state is rejected before any exchange', async () => {
    const s = setup();
    const victim = await start(s, 'dmljdGltLW5vbmNl');
    const attacker = await start(s, 'YXR0YWNrZXItbm9uY2U=');
    const calls = tokenEndpoint(() => HttpResponse.json({}));
    const req = {
      method: 'POST',
      url: `/handler/frame?${new URLSearchParams({ state: victim.state })}`,
      query: { state: victim.state },
      body: { code: 'attacker-code', state: attacker.state },
    } as any;
    await expectAuthError(
      s.authenticator.authenticate({ req }, s.ctx),
      'Authorization response validation failed: state mismatch',
    );
    expect(calls).toHaveLength(0);
  });

  it('signs in without a session token, with a warning that names no user', async () => {
    const s = setup();
    const { result } = await runFlow(s, async nonce =>
      HttpResponse.json({
        access_token: 'opaque-access-token',
        token_type: 'bearer',
        id_token: await palette.idToken({ nonce, exp: NOW + 1200 }),
        refresh_token: 'opaque-refresh-token',
      }),
    );
    const { session, fullProfile } = await result;
    expect(fullProfile.email).toBe('alice@example.com');
    expect(session.accessToken).toBe('');
    expect(session.expiresInSeconds).toBe(1200);
    expect(s.logger.warn).toHaveBeenCalledTimes(1);
    const logged = JSON.stringify(s.logger.warn.mock.calls);
    expect(logged).toContain('no session token');
    expect(logged).not.toMatch(/alice/i);
  });

  it.each([
    [
      'a signature by a key Palette does not publish',
      (nonce: string) =>
        palette.idToken({ nonce }, { key: palette.foreignKey }),
      'ID token signature verification failed',
    ],
    [
      'a wrong nonce',
      () => palette.idToken({ nonce: 'nonce-of-another-flow' }),
      'ID token validation failed: nonce mismatch',
    ],
    [
      'a wrong audience',
      (nonce: string) => palette.idToken({ nonce, aud: 'another-client' }),
      'ID token validation failed: audience mismatch',
    ],
    [
      'an expired exp',
      (nonce: string) =>
        palette.idToken({ nonce, iat: NOW - 7200, exp: NOW - 3600 }),
      'ID token validation failed: the ID token has expired',
    ],
    [
      'a wrong issuer',
      (nonce: string) => palette.idToken({ nonce, iss: 'https://evil.test' }),
      'ID token validation failed: issuer mismatch',
    ],
    [
      'an HS256 signature',
      (nonce: string) =>
        palette.idToken(
          { nonce },
          {
            alg: 'HS256',
            key: new TextEncoder().encode(palette.clientSecret) as any,
          },
        ),
      'ID token validation failed: the ID token is not signed with an allowed algorithm (RS256)',
    ],
    [
      'no email claim',
      (nonce: string) => palette.idToken({ nonce, email: undefined }),
      'The Palette ID token has no email claim',
    ],
  ])('rejects an ID token with %s', async (_, makeIdToken, message) => {
    const s = setup();
    const sessionToken = await palette.sessionToken({
      email: 'alice@example.com',
      exp: NOW + 900,
    });
    const { result, nonce } = await runFlow(s, async n =>
      HttpResponse.json({
        access_token: 'opaque-access-token',
        token_type: 'bearer',
        id_token: await makeIdToken(n),
        refresh_token: sessionToken,
      }),
    );
    const error = await expectAuthError(result, message);
    expect(error.message).not.toContain(nonce);
    expect(error.message).not.toContain('nonce-of-another-flow');
  });

  it('names invalid_grant when the token endpoint rejects the code', async () => {
    const s = setup();
    const { result } = await runFlow(s, () =>
      HttpResponse.json(
        {
          error: 'invalid_grant',
          error_description: 'code opaque-authorization-code-123 is used',
        },
        { status: 400 },
      ),
    );
    const error = await expectAuthError(
      result,
      'Palette token endpoint rejected the request: invalid_grant',
    );
    expect(error.message).not.toContain('opaque-authorization-code-123');
  });

  it('does not echo an HTML error page', async () => {
    const s = setup();
    const { result } = await runFlow(
      s,
      () =>
        new HttpResponse(
          '<html><body>Internal failure secret-detail</body></html>',
          {
            status: 500,
            headers: { 'Content-Type': 'text/html' },
          },
        ),
    );
    const error = await expectAuthError(
      result,
      'Palette token endpoint answered with HTTP 500',
    );
    expect(error.message).not.toContain('secret-detail');
  });

  it('names the status of a 4xx answer that is not JSON', async () => {
    const s = setup();
    const { result } = await runFlow(
      s,
      () =>
        new HttpResponse('<html>forbidden secret-detail</html>', {
          status: 403,
          headers: { 'Content-Type': 'text/html' },
        }),
    );
    const error = await expectAuthError(
      result,
      'Palette token endpoint answered with HTTP 403',
    );
    expect(error.message).not.toContain('secret-detail');
  });

  it('reports a non-JSON success response', async () => {
    const s = setup();
    const { result } = await runFlow(
      s,
      () =>
        new HttpResponse('<html>maintenance secret-detail</html>', {
          status: 200,
          headers: { 'Content-Type': 'text/html' },
        }),
    );
    await expectAuthError(
      result,
      'Palette token endpoint returned a non-JSON response',
    );
  });

  it('names the JWKS endpoint when it fails', async () => {
    const s = setup();
    server.use(
      http.get(
        palette.jwksUri,
        () => new HttpResponse('down', { status: 503 }),
      ),
    );
    const { result } = await runFlow(s, async nonce =>
      HttpResponse.json({
        access_token: 'opaque-access-token',
        token_type: 'bearer',
        id_token: await palette.idToken({ nonce }),
      }),
    );
    await expectAuthError(
      result,
      'Palette JWKS endpoint answered with HTTP 503',
    );
  });

  it('gives up on a token endpoint that hangs within the configured timeout', async () => {
    const s = setup({ timeout: { milliseconds: 200 } });
    const { result } = await runFlow(s, async () => {
      await delay('infinite');
      return HttpResponse.json({});
    });
    const started = performance.now();
    await expectAuthError(result, 'Palette did not answer within 200 ms');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1000);
  });

  it('reports a token response without an ID token', async () => {
    const s = setup();
    const { result } = await runFlow(s, () =>
      HttpResponse.json({ access_token: 'a', token_type: 'bearer' }),
    );
    await expectAuthError(
      result,
      'Palette token endpoint returned no ID token',
    );
  });

  it('refuses a token response without an access token (RFC 6749 §5.1), naming the field', async () => {
    const s = setup();
    const { result } = await runFlow(s, async nonce =>
      HttpResponse.json({
        token_type: 'bearer',
        id_token: await palette.idToken({ nonce }),
      }),
    );
    await expectAuthError(
      result,
      'Palette token endpoint returned an invalid access_token',
    );
  });

  it('maps the Cancel of the Palette login page (access_denied) to "Sign-in was cancelled"', async () => {
    const s = setup();
    const { state } = await start(s);
    const query = {
      error: 'access_denied',
      error_description: 'alice@example.com declined',
      state,
    };
    const req = {
      method: 'GET',
      url: `/cb?${new URLSearchParams(query)}`,
      query,
    } as any;
    await expectAuthError(
      s.authenticator.authenticate({ req }, s.ctx),
      'Sign-in was cancelled',
    );
  });
});

describe('endpoints', () => {
  const tokenReply = async (nonce: string) =>
    HttpResponse.json({
      access_token: 'opaque-access-token',
      token_type: 'bearer',
      id_token: await palette.idToken({ nonce }),
    });

  it('prefers the token endpoint of the discovery document', async () => {
    server.use(
      http.get(palette.discoveryUrl, () =>
        HttpResponse.json({
          issuer: palette.issuer,
          token_endpoint: `${palette.issuer}/oauth2/v2/token`,
          jwks_uri: palette.jwksUri,
        }),
      ),
    );
    const s = setup();
    const { state, url } = await start(s);
    const calls = tokenEndpoint(
      () => tokenReply(url.searchParams.get('nonce')!),
      `${palette.issuer}/oauth2/v2/token`,
    );
    await s.authenticator.authenticate(
      { req: callbackRequest('code-1', state) },
      s.ctx,
    );
    expect(calls).toHaveLength(1);
  });

  it('lets an explicit tokenUrl win over discovery', async () => {
    const s = setup({ tokenUrl: 'https://palette.test/custom/token' });
    const { state, url } = await start(s);
    const calls = tokenEndpoint(
      () => tokenReply(url.searchParams.get('nonce')!),
      'https://palette.test/custom/token',
    );
    await s.authenticator.authenticate(
      { req: callbackRequest('code-1', state) },
      s.ctx,
    );
    expect(calls).toHaveLength(1);
  });

  it('derives the token endpoint from the final auth segment when discovery fails, and retries discovery later', async () => {
    let discoveryCalls = 0;
    server.use(
      http.get(palette.discoveryUrl, () => {
        discoveryCalls += 1;
        return new HttpResponse('not found', { status: 404 });
      }),
    );
    const s = setup();
    const { state, url } = await start(s);
    const calls = tokenEndpoint(() =>
      tokenReply(url.searchParams.get('nonce')!),
    );
    await s.authenticator.authenticate(
      { req: callbackRequest('code-1', state) },
      s.ctx,
    );
    expect(calls).toHaveLength(1);
    expect(discoveryCalls).toBe(1);
    expect(JSON.stringify(s.logger.warn.mock.calls)).toContain('HTTP 404');

    // After the retry period, discovery is tried again.
    jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000 + 61_000);
    await start(s);
    expect(discoveryCalls).toBe(2);
  });

  it('refuses to guess a token endpoint when the last segment is not auth', async () => {
    const s = setup({
      authorizationUrl: 'https://palette.test/v1/auth/org/o1/oidc/authorize',
      metadataUrl:
        'https://palette.test/v1/auth/org/o1/oidc/.well-known/openid-configuration',
    });
    server.use(
      http.get(
        'https://palette.test/v1/auth/org/o1/oidc/.well-known/openid-configuration',
        () => new HttpResponse(null, { status: 404 }),
      ),
    );
    const state = encodeOAuthState({ nonce: 'bm9uY2U=', env: 'development' });
    await expectAuthError(
      s.authenticator.start({ scope: '', state, req: {} as any }, s.ctx),
      "SpectroCloud auth provider: cannot derive the token endpoint because the last path segment of 'authorizationUrl' is not 'auth'; configure 'tokenUrl'",
    );
  });

  it('refuses when the issuer is unknown: a non-standard metadataUrl that fails and no issuer', async () => {
    const s = setup({
      authorizationUrl: 'https://palette.test/v1/auth/org/o1/oidc/authorize',
      metadataUrl: 'https://palette.test/meta',
    });
    server.use(
      http.get(
        'https://palette.test/meta',
        () => new HttpResponse(null, { status: 404 }),
      ),
    );
    const state = encodeOAuthState({ nonce: 'bm9uY2U=', env: 'development' });
    await expectAuthError(
      s.authenticator.start({ scope: '', state, req: {} as any }, s.ctx),
      "SpectroCloud auth provider: OIDC discovery failed and the issuer is unknown; configure 'issuer'",
    );
  });
});

describe('refresh', () => {
  async function signIn(s: ReturnType<typeof setup>, exp = NOW + 900) {
    const sessionToken = await palette.sessionToken({
      email: 'alice@example.com',
      exp,
    });
    const { result } = await runFlow(s, async nonce =>
      HttpResponse.json({
        access_token: 'opaque-access-token',
        token_type: 'bearer',
        id_token: await palette.idToken({ nonce }),
        refresh_token: sessionToken,
      }),
    );
    return { ...(await result), sessionToken };
  }

  it('returns the same session from the sealed refresh token', async () => {
    const s = setup();
    const signedIn = await signIn(s);
    jest.spyOn(Date, 'now').mockReturnValue((NOW + 100) * 1000);
    const refreshed = await s.authenticator.refresh(
      {
        scope: '',
        refreshToken: signedIn.session.refreshToken!,
        req: {} as any,
      },
      s.ctx,
    );
    expect(refreshed.fullProfile.email).toBe('alice@example.com');
    expect(refreshed.session).toMatchObject({
      accessToken: signedIn.sessionToken,
      idToken: signedIn.session.idToken,
      refreshToken: signedIn.session.refreshToken,
      expiresInSeconds: 800,
    });
  });

  it('works on another instance with the same configuration and session store', async () => {
    const sessions = new SessionStore({ kv: createMemoryKeyValueStore(100) });
    const signedIn = await signIn(setup({}, sessions));
    const other = setup({}, sessions);
    const refreshed = await other.authenticator.refresh(
      {
        scope: '',
        refreshToken: signedIn.session.refreshToken!,
        req: {} as any,
      },
      other.ctx,
    );
    expect(refreshed.session.accessToken).toBe(signedIn.sessionToken);
  });

  it('refuses a genuine cookie whose session record this store does not hold', async () => {
    const signedIn = await signIn(setup());
    const other = setup(); // its own, unshared session store
    await expectAuthError(
      other.authenticator.refresh(
        {
          scope: '',
          refreshToken: signedIn.session.refreshToken!,
          req: {} as any,
        },
        other.ctx,
      ),
      'The SpectroCloud session has ended; sign in again',
    );
  });

  it('refuses the cookie after logout', async () => {
    const s = setup();
    const { session } = await signIn(s);
    await s.authenticator.logout!(
      { refreshToken: session.refreshToken!, req: {} as any },
      s.ctx,
    );
    await expectAuthError(
      s.authenticator.refresh(
        { scope: '', refreshToken: session.refreshToken!, req: {} as any },
        s.ctx,
      ),
      'The SpectroCloud session has ended; sign in again',
    );
  });

  it('rejects a tampered sealed token', async () => {
    const s = setup();
    const { session } = await signIn(s);
    const parts = session.refreshToken!.split('.');
    const ciphertext = Buffer.from(parts[3], 'base64url');
    ciphertext[0] ^= 0x01;
    parts[3] = ciphertext.toString('base64url');
    await expectAuthError(
      s.authenticator.refresh(
        { scope: '', refreshToken: parts.join('.'), req: {} as any },
        s.ctx,
      ),
      'The SpectroCloud session cookie is invalid; sign in again',
    );
  });

  it('rejects a token sealed for another client secret', async () => {
    const { session } = await signIn(setup());
    const other = setup({ clientSecret: 'another-secret' });
    await expectAuthError(
      other.authenticator.refresh(
        { scope: '', refreshToken: session.refreshToken!, req: {} as any },
        other.ctx,
      ),
      'The SpectroCloud session cookie is invalid; sign in again',
    );
  });

  it('rejects once the Palette session token expired', async () => {
    const s = setup();
    const { session } = await signIn(s, NOW + 60);
    // Our clock passes the session token's exp; the seal (checked on the real clock) is intact.
    jest.spyOn(Date, 'now').mockReturnValue((NOW + 60) * 1000);
    await expectAuthError(
      s.authenticator.refresh(
        { scope: '', refreshToken: session.refreshToken!, req: {} as any },
        s.ctx,
      ),
      'The Palette session token has expired; sign in again',
    );
  });

  it('rejects a session past its absolute lifetime (sessionDuration)', async () => {
    const s = setup({ sessionDuration: { minutes: 10 } });
    const { session } = await signIn(s);
    expect(session.refreshTokenExpiresInSeconds).toBe(600);
    // The session token (900 s) would still be valid; the session is not.
    jest.spyOn(Date, 'now').mockReturnValue((NOW + 600) * 1000);
    await expectAuthError(
      s.authenticator.refresh(
        { scope: '', refreshToken: session.refreshToken!, req: {} as any },
        s.ctx,
      ),
      'The SpectroCloud session has ended; sign in again',
    );
  });

  it('gives the earliest of the ID token, session token and session ends as expiresInSeconds', async () => {
    const s = setup();
    const sessionToken = await palette.sessionToken({
      email: 'alice@example.com',
      exp: NOW + 900,
    });
    const { result } = await runFlow(s, async nonce =>
      HttpResponse.json({
        access_token: 'opaque-access-token',
        token_type: 'bearer',
        id_token: await palette.idToken({ nonce, exp: NOW + 600 }),
        refresh_token: sessionToken,
      }),
    );
    expect((await result).session.expiresInSeconds).toBe(600);
  });

  it('rejects a session without a session token once the ID token expired', async () => {
    const s = setup();
    const { result } = await runFlow(s, async nonce =>
      HttpResponse.json({
        access_token: 'opaque-access-token',
        token_type: 'bearer',
        id_token: await palette.idToken({ nonce, exp: NOW + 30 }),
      }),
    );
    const { session } = await result;
    expect(session.accessToken).toBe('');
    jest.spyOn(Date, 'now').mockReturnValue((NOW + 30) * 1000);
    await expectAuthError(
      s.authenticator.refresh(
        { scope: '', refreshToken: session.refreshToken!, req: {} as any },
        s.ctx,
      ),
      'The SpectroCloud ID token has expired; sign in again',
    );
  });
});
