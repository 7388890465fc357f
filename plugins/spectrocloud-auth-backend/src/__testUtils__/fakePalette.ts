import {
  exportJWK,
  generateKeyPair,
  JWK,
  JWTPayload,
  KeyLike,
  SignJWT,
} from 'jose';
import { http, HttpResponse } from 'msw';
import { createHash } from 'node:crypto';

/** A fake Palette tenant for unit tests: keys, token factories and msw handlers. */
export interface FakePalette {
  issuer: string;
  authorizationUrl: string;
  tokenUrl: string;
  jwksUri: string;
  discoveryUrl: string;
  clientId: string;
  clientSecret: string;
  jwks: { keys: JWK[] };
  /** Signs an ID token (RS256, kid `k1`) with defaults for iss, aud, sub, email, iat, exp. */
  idToken(
    claims?: JWTPayload & Record<string, unknown>,
    options?: { key?: KeyLike; alg?: string; kid?: string },
  ): Promise<string>;
  /** An HS256 Palette session token `{ email, uid, tenantUid, iat, exp }`. */
  sessionToken(claims: { email: string; exp: number }): Promise<string>;
  /** msw handlers for discovery and JWKS. */
  handlers: ReturnType<typeof http.get>[];
  /** A second key pair that Palette does NOT publish. */
  foreignKey: KeyLike;
}

export const FAKE_ISSUER = 'https://palette.test/v1/oidc/tenant/t-1';

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export async function createFakePalette(
  issuer: string = FAKE_ISSUER,
): Promise<FakePalette> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const { privateKey: foreignKey } = await generateKeyPair('RS256');
  const publicJwk = {
    ...(await exportJWK(publicKey)),
    kid: 'k1',
    alg: 'RS256',
    use: 'sig',
  };
  const jwks = { keys: [publicJwk] };
  const clientId = 'backstage-test';
  const clientSecret = 'test-client-secret-value';
  const hsKey = new TextEncoder().encode(
    'palette-internal-hmac-key-0123456789',
  );
  const palette: FakePalette = {
    issuer,
    authorizationUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    jwks,
    foreignKey,
    async idToken(claims = {}, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: issuer,
        aud: clientId,
        sub: 'user-uid-1',
        email: 'Alice@Example.com',
        given_name: 'Alice',
        family_name: 'Anders',
        iat: now,
        exp: now + 3600,
        ...claims,
      })
        .setProtectedHeader({
          alg: options.alg ?? 'RS256',
          kid: options.kid ?? 'k1',
        })
        .sign(options.key ?? privateKey);
    },
    async sessionToken({ email, exp }) {
      return new SignJWT({
        email,
        uid: 'user-uid-1',
        tenantUid: 't-1',
        iat: exp - 900,
        exp,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(hsKey);
    },
    handlers: [
      http.get(`${issuer}/.well-known/openid-configuration`, () =>
        HttpResponse.json({
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          response_types_supported: ['code'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: [
            'client_secret_basic',
            'client_secret_post',
          ],
          code_challenge_methods_supported: ['S256'],
        }),
      ),
      http.get(`${issuer}/.well-known/jwks.json`, () =>
        HttpResponse.json(jwks),
      ),
    ],
  };
  return palette;
}
