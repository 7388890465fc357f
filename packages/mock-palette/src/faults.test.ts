import {
  createLocalJWKSet,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose';
import { startMockPalette } from './startMockPalette';
import type { MockPalette } from './types';

const REDIRECT_URI =
  'http://localhost:7007/api/auth/spectrocloud/handler/frame';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('mock Palette fault switches', () => {
  let palette: MockPalette;

  beforeEach(async () => {
    palette = await startMockPalette({ port: 0 });
  });
  afterEach(() => palette.close());

  const discoveryUrl = () =>
    `${palette.issuer}/.well-known/openid-configuration`;

  async function idTokenFromTokenEndpoint(): Promise<string> {
    const code = await palette.authorize({
      email: 'alice@example.com',
      redirectUri: REDIRECT_URI,
      state: 's',
      nonce: 'n',
      codeChallenge: CHALLENGE,
    });
    const res = await fetch(palette.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: VERIFIER,
        client_id: palette.clientId,
        client_secret: palette.clientSecret,
      }),
    });
    expect(res.status).toBe(200);
    return (await res.json()).id_token;
  }

  async function jwks(): Promise<JSONWebKeySet> {
    const res = await fetch(palette.jwksUri);
    expect(res.status).toBe(200);
    return res.json();
  }

  it('names another issuer in the discovery document when told to', async () => {
    palette.settings.discoveryIssuer = 'http://evil.example/tenant';
    const doc = await (await fetch(discoveryUrl())).json();
    expect(doc.issuer).toBe('http://evil.example/tenant');
    expect(doc.token_endpoint).toBe(palette.tokenUrl);
  });

  it.each([
    ['unavailable', 503],
    ['notJson', 200],
  ] as const)(
    'answers discovery and JWKS with an HTML page for %s',
    async (fault, status) => {
      palette.settings.discoveryFault = fault;
      palette.settings.jwksFault = fault;
      for (const url of [discoveryUrl(), palette.jwksUri]) {
        const res = await fetch(url);
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toMatch(/text\/html/);
        await expect(res.json()).rejects.toThrow();
      }
      expect(palette.calls.discovery).toBe(1);
      expect(palette.calls.jwks).toBe(1);
    },
  );

  it('never answers discovery or JWKS when told to hang', async () => {
    palette.settings.discoveryFault = 'hang';
    palette.settings.jwksFault = 'hang';
    for (const url of [discoveryUrl(), palette.jwksUri]) {
      await expect(
        fetch(url, { signal: AbortSignal.timeout(300) }),
      ).rejects.toThrow();
    }
    palette.settings.jwksFault = 'none';
    expect((await jwks()).keys).toHaveLength(1);
  });

  it('rotates the signing key: the JWKS and new ID tokens use the new key only', async () => {
    const before = await jwks();
    const oldKid = palette.signingKeyId();
    expect(before.keys.map(k => k.kid)).toEqual([oldKid]);

    const newKid = await palette.rotateSigningKey();
    expect(newKid).not.toBe(oldKid);
    expect(palette.signingKeyId()).toBe(newKid);
    const after = await jwks();
    expect(after.keys.map(k => k.kid)).toEqual([newKid]);

    const idToken = await idTokenFromTokenEndpoint();
    expect(decodeProtectedHeader(idToken).kid).toBe(newKid);
    await expect(
      jwtVerify(idToken, createLocalJWKSet(after)),
    ).resolves.toBeDefined();
    await expect(
      jwtVerify(idToken, createLocalJWKSet(before)),
    ).rejects.toThrow();
  });

  it('keeps the previous key published when asked to', async () => {
    const oldKid = palette.signingKeyId();
    const newKid = await palette.rotateSigningKey({ keepPrevious: true });
    expect((await jwks()).keys.map(k => k.kid)).toEqual([newKid, oldKid]);
  });

  it('publishes keys and signs ID tokens without kid when told to', async () => {
    palette.settings.omitKeyId = true;
    const set = await jwks();
    expect(set.keys).toHaveLength(1);
    expect(set.keys[0].kid).toBeUndefined();
    expect(set.keys[0]).toEqual(
      expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' }),
    );
    const idToken = await idTokenFromTokenEndpoint();
    expect(decodeProtectedHeader(idToken).kid).toBeUndefined();
    await expect(
      jwtVerify(idToken, createLocalJWKSet(set)),
    ).resolves.toBeDefined();
    const forged = await palette.signIdToken({ sub: 'x' });
    expect(decodeProtectedHeader(forged).kid).toBeUndefined();
    const explicit = await palette.signIdToken({ sub: 'x' }, { kid: 'k9' });
    expect(decodeProtectedHeader(explicit).kid).toBe('k9');
  });
});

describe('mock Palette signing algorithm switch', () => {
  it('issues PS256 ID tokens and declares the key for PS256 when told to', async () => {
    const palette = await startMockPalette({ port: 0 });
    try {
      palette.settings.idTokenSigningAlg = 'PS256';
      const set = (await (
        await fetch(palette.jwksUri)
      ).json()) as JSONWebKeySet;
      expect(set.keys[0].alg).toBe('PS256');
      const doc = await (
        await fetch(`${palette.issuer}/.well-known/openid-configuration`)
      ).json();
      expect(doc.id_token_signing_alg_values_supported).toEqual(['PS256']);
      const token = await palette.signIdToken({ sub: 'x' });
      expect(decodeProtectedHeader(token).alg).toBe('PS256');
      await expect(
        jwtVerify(token, createLocalJWKSet(set), { algorithms: ['PS256'] }),
      ).resolves.toBeDefined();
    } finally {
      await palette.close();
    }
  });
});
