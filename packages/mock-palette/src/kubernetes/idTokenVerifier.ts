import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

/** Result of {@link IdTokenVerifier.verify}. */
export type IdTokenVerification =
  | { ok: true; claims: JWTPayload }
  | { ok: false; reason: string };

/** Verifies bearer ID tokens the way a Kubernetes API server with OIDC does. */
export interface IdTokenVerifier {
  verify(token: string): Promise<IdTokenVerification>;
}

/**
 * Builds a verifier that accepts a compact JWT only when it is RS256-signed
 * by a key of the issuer's JWKS (jose `createRemoteJWKSet`, fetched on first
 * use and again when an unknown `kid` shows up), has `iss` = `issuer`, `aud`
 * containing `audience`, and `sub`, `iat` and an unexpired `exp` (no clock
 * tolerance).
 *
 * `verify` never throws: a rejection carries the jose error code (or
 * `ERR_JWKS_TIMEOUT` when the JWKS does not arrive within `jwksTimeoutMs`
 * milliseconds, `ERR_JWKS_UNAVAILABLE` when fetching it fails), never the
 * token.
 */
export function createIdTokenVerifier(options: {
  issuer: string;
  audience: string;
  jwksUri: string;
  jwksTimeoutMs: number;
}): IdTokenVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUri), {
    timeoutDuration: options.jwksTimeoutMs,
  });
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, jwks, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['RS256'],
          requiredClaims: ['sub', 'iat', 'exp'],
        });
        return { ok: true, claims: payload };
      } catch (error) {
        // jose errors carry a code; anything else (a refused or failed JWKS
        // fetch) means the keys could not be had.
        return {
          ok: false,
          reason:
            error instanceof errors.JOSEError
              ? error.code
              : 'ERR_JWKS_UNAVAILABLE',
        };
      }
    },
  };
}
