import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startMockPalette } from './startMockPalette';
import type { MockPalette } from './types';

// RFC 7636 appendix B test vector.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const REDIRECT_URI =
  'http://localhost:7007/api/auth/spectrocloud/handler/frame';

describe('mock Palette OIDC provider', () => {
  let palette: MockPalette;

  beforeAll(async () => {
    palette = await startMockPalette({ port: 0 });
  });
  afterAll(() => palette.close());
  beforeEach(() => {
    palette.settings.sessionTokenDelivery = 'refresh_token';
    palette.resetCalls();
  });

  const basic = (id: string, secret: string) =>
    `Basic ${Buffer.from(
      `${encodeURIComponent(id)}:${encodeURIComponent(secret)}`,
    ).toString('base64')}`;

  function postToken(
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ) {
    return fetch(palette.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      body: new URLSearchParams(form),
    });
  }

  function exchange(code: string, extra: Record<string, string> = {}) {
    return postToken(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: VERIFIER,
        ...extra,
      },
      { authorization: basic(palette.clientId, palette.clientSecret) },
    );
  }

  function authorizeAlice(nonce = 'n-0S6_WzA2Mj') {
    return palette.authorize({
      email: 'alice@example.com',
      redirectUri: REDIRECT_URI,
      state: 'st-123',
      nonce,
      codeChallenge: CHALLENGE,
    });
  }

  it('serves the discovery document', async () => {
    const res = await fetch(
      `${palette.issuer}/.well-known/openid-configuration`,
    );
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(palette.issuer).toMatch(
      /^http:\/\/localhost:\d+\/v1\/oidc\/tenant\/demo-tenant$/,
    );
    expect(doc).toEqual(
      expect.objectContaining({
        issuer: palette.issuer,
        authorization_endpoint: `${palette.issuer}/auth`,
        token_endpoint: `${palette.issuer}/token`,
        jwks_uri: `${palette.issuer}/.well-known/jwks.json`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
        ],
        code_challenge_methods_supported: ['S256'],
        grant_types_supported: ['authorization_code'],
      }),
    );
    expect(doc.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'profile', 'email']),
    );
    expect(doc.claims_supported).toEqual(
      expect.arrayContaining(['email', 'given_name', 'family_name', 'nonce']),
    );
    expect(palette.calls.discovery).toBe(1);
  });

  it('serves the public RS256 key as JWKS', async () => {
    const res = await fetch(palette.jwksUri);
    const { keys } = await res.json();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual(
      expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' }),
    );
    expect(typeof keys[0].kid).toBe('string');
    expect(keys[0].d).toBeUndefined();
    expect(palette.calls.jwks).toBe(1);
  });

  it('answers on 127.0.0.1 as well as localhost', async () => {
    const res = await fetch(
      palette.jwksUri.replace('//localhost:', '//127.0.0.1:'),
    );
    expect(res.status).toBe(200);
  });

  it.each(['client_secret_basic', 'client_secret_post'])(
    'completes the code flow with PKCE using %s',
    async method => {
      const code = await authorizeAlice('nonce-abc');
      const form = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: VERIFIER,
      };
      const res =
        method === 'client_secret_basic'
          ? await postToken(form, {
              authorization: basic(palette.clientId, palette.clientSecret),
            })
          : await postToken({
              ...form,
              client_id: palette.clientId,
              client_secret: palette.clientSecret,
            });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = await res.json();
      expect(body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'openid profile email',
        id_token: expect.any(String),
        refresh_token: expect.any(String),
      });

      const jwks = createRemoteJWKSet(new URL(palette.jwksUri));
      const { payload, protectedHeader } = await jwtVerify(
        body.id_token,
        jwks,
        {
          issuer: palette.issuer,
          audience: palette.clientId,
          algorithms: ['RS256'],
        },
      );
      expect(protectedHeader.kid).toEqual(expect.any(String));
      expect(payload).toEqual(
        expect.objectContaining({
          sub: '65a1a11ce0000000000000a1',
          nonce: 'nonce-abc',
          email: 'alice@example.com',
          email_verified: true,
          given_name: 'Alice',
          family_name: 'Anderson',
          name: 'Alice Anderson',
          auth_time: expect.any(Number),
        }),
      );
      expect(payload.exp! - payload.iat!).toBe(3600);

      const session = decodeJwt(body.refresh_token);
      expect(session).toEqual(
        expect.objectContaining({
          email: 'alice@example.com',
          uid: '65a1a11ce0000000000000a1',
          tenantUid: 'demo-tenant',
        }),
      );
      expect(session.exp! - session.iat!).toBe(900);
      expect(palette.calls.token).toBe(1);
    },
  );

  it('accepts form-urlencoded Basic credentials', async () => {
    const odd = await startMockPalette({
      port: 0,
      clientId: 'my client',
      clientSecret: 's3cr:et+/=%',
    });
    try {
      const code = await odd.authorize({
        email: 'bob@example.com',
        redirectUri: REDIRECT_URI,
        state: 's',
      });
      const res = await fetch(odd.tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic('my client', 's3cr:et+/=%'),
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
        }),
      });
      expect(res.status).toBe(200);
    } finally {
      await odd.close();
    }
  });

  it('rejects a wrong PKCE verifier with invalid_grant', async () => {
    const code = await authorizeAlice();
    const res = await exchange(code, {
      code_verifier: 'x'.repeat(43),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_grant');
  });

  it('rejects a missing PKCE verifier when a challenge was sent', async () => {
    const code = await authorizeAlice();
    const res = await postToken(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
      },
      { authorization: basic(palette.clientId, palette.clientSecret) },
    );
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_grant');
  });

  it('rejects a verifier when no challenge was sent', async () => {
    const code = await palette.authorize({
      email: 'alice@example.com',
      redirectUri: REDIRECT_URI,
      state: 's',
    });
    const res = await exchange(code);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_grant');
  });

  it('accepts a code only once', async () => {
    const code = await authorizeAlice();
    expect((await exchange(code)).status).toBe(200);
    const again = await exchange(code);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      error: 'invalid_grant',
      error_description: expect.any(String),
    });
  });

  it('spends a code on a failed attempt too', async () => {
    const code = await authorizeAlice();
    const wrong = await exchange(code, {
      redirect_uri: 'http://localhost:7007/elsewhere',
    });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toBe('invalid_grant');
    const right = await exchange(code);
    expect(right.status).toBe(400);
    expect((await right.json()).error).toBe('invalid_grant');
  });

  it('rejects an unknown code', async () => {
    const res = await exchange('not-a-code');
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_grant');
  });

  it('rejects a wrong client secret with invalid_client (401)', async () => {
    const code = await authorizeAlice();
    const res = await postToken(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: VERIFIER,
      },
      { authorization: basic(palette.clientId, 'wrong-secret') },
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    const body = await res.json();
    expect(body.error).toBe('invalid_client');
    expect(JSON.stringify(body)).not.toContain('wrong-secret');

    const post = await postToken({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: palette.clientId,
      client_secret: 'wrong-secret',
    });
    expect(post.status).toBe(401);
    expect((await post.json()).error).toBe('invalid_client');
  });

  it('rejects a request without client authentication', async () => {
    const res = await postToken({
      grant_type: 'authorization_code',
      code: 'x',
      redirect_uri: REDIRECT_URI,
    });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('invalid_client');
  });

  it('rejects other grant types and missing parameters', async () => {
    const auth = {
      authorization: basic(palette.clientId, palette.clientSecret),
    };
    const refresh = await postToken(
      { grant_type: 'refresh_token', refresh_token: 'x' },
      auth,
    );
    expect(refresh.status).toBe(400);
    expect((await refresh.json()).error).toBe('unsupported_grant_type');

    const noCode = await postToken(
      { grant_type: 'authorization_code', redirect_uri: REDIRECT_URI },
      auth,
    );
    expect(noCode.status).toBe(400);
    expect((await noCode.json()).error).toBe('invalid_request');

    const noGrant = await postToken({ code: 'x' }, auth);
    expect(noGrant.status).toBe(400);
    expect((await noGrant.json()).error).toBe('invalid_request');
  });

  it("delivers the session token as the code in 'code' mode", async () => {
    palette.settings.sessionTokenDelivery = 'code';
    const code = await authorizeAlice();
    expect(decodeJwt(code)).toEqual(
      expect.objectContaining({
        email: 'alice@example.com',
        uid: '65a1a11ce0000000000000a1',
        tenantUid: 'demo-tenant',
      }),
    );
    const me = await fetch(`${palette.url}/v1/users/me`, {
      headers: { authorization: code },
    });
    expect(me.status).toBe(200);

    const res = await exchange(code);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.id_token).toEqual(expect.any(String));
    expect(body).not.toHaveProperty('refresh_token');
    expect((await exchange(code)).status).toBe(400);
  });

  it("delivers no session token in 'none' mode", async () => {
    palette.settings.sessionTokenDelivery = 'none';
    const code = await authorizeAlice();
    expect(() => decodeJwt(code)).toThrow();
    const res = await exchange(code);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.id_token).toEqual(expect.any(String));
    expect(body).not.toHaveProperty('refresh_token');
  });

  it('applies changed token lifetimes to the next request', async () => {
    palette.settings.idTokenLifetimeSeconds = 120;
    palette.settings.sessionTokenLifetimeSeconds = 60;
    try {
      const body = await (await exchange(await authorizeAlice())).json();
      const id = decodeJwt(body.id_token);
      expect(id.exp! - id.iat!).toBe(120);
      expect(body.expires_in).toBe(120);
      const session = decodeJwt(body.refresh_token);
      expect(session.exp! - session.iat!).toBe(60);
    } finally {
      palette.settings.idTokenLifetimeSeconds = 3600;
      palette.settings.sessionTokenLifetimeSeconds = 900;
    }
  });

  it('answers userinfo for an issued access token only', async () => {
    const body = await (await exchange(await authorizeAlice())).json();
    const userinfo = await fetch(`${palette.issuer}/userinfo`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toEqual(
      expect.objectContaining({
        sub: decodeJwt(body.id_token).sub,
        email: 'alice@example.com',
        email_verified: true,
      }),
    );
    const unknown = await fetch(`${palette.issuer}/userinfo`, {
      headers: { authorization: 'Bearer not-issued' },
    });
    expect(unknown.status).toBe(401);
    expect(palette.calls.userinfo).toBe(2);
  });

  it('accepts the refresh_token grant only when refreshTokenGrant is on', async () => {
    const auth = {
      authorization: basic(palette.clientId, palette.clientSecret),
    };
    const { refresh_token: sessionToken } = await (
      await exchange(await authorizeAlice())
    ).json();
    palette.settings.refreshTokenGrant = true;
    try {
      const res = await postToken(
        { grant_type: 'refresh_token', refresh_token: sessionToken },
        auth,
      );
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.refresh_token).toBeUndefined();
      const claims = decodeJwt(body.id_token);
      expect(claims.email).toBe('alice@example.com');
      expect(claims.nonce).toBeUndefined();
      const forged = await postToken(
        { grant_type: 'refresh_token', refresh_token: 'x.y.z' },
        auth,
      );
      expect(forged.status).toBe(400);
      expect((await forged.json()).error).toBe('invalid_grant');
    } finally {
      palette.settings.refreshTokenGrant = false;
    }
  });

  describe('signIdToken', () => {
    const claims = () => ({
      iss: palette.issuer,
      aud: palette.clientId,
      sub: 'someone',
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 60,
    });
    const verify = (token: string) =>
      jwtVerify(token, createRemoteJWKSet(new URL(palette.jwksUri)), {
        issuer: palette.issuer,
        audience: palette.clientId,
        algorithms: ['RS256'],
      });

    it('signs tokens that verify against the JWKS', async () => {
      const { payload } = await verify(await palette.signIdToken(claims()));
      expect(payload.sub).toBe('someone');
    });

    it('signs with a foreign key that does not verify', async () => {
      const token = await palette.signIdToken(claims(), {
        useForeignKey: true,
      });
      await expect(verify(token)).rejects.toThrow(/signature/);
    });

    it('makes alg confusion and unsigned tokens that do not verify', async () => {
      await expect(
        verify(await palette.signIdToken(claims(), { alg: 'HS256' })),
      ).rejects.toThrow();
      await expect(
        verify(await palette.signIdToken(claims(), { alg: 'none' })),
      ).rejects.toThrow();
      await expect(
        palette.signIdToken(claims(), { alg: 'ES256' }),
      ).rejects.toThrow(/unsupported alg/);
    });
  });
});
