import { compactVerify, decodeProtectedHeader } from 'jose';
import type { IDToken } from 'oauth4webapi';
import { JwksCache } from './jwks';

/**
 * An ID token failed validation. Its message is fixed text naming the rule (never a claim value,
 * the token or the expected nonce), safe to show to users and to log.
 */
export class IdTokenValidationError extends Error {
  constructor(rule: string) {
    super(`ID token validation failed: ${rule}`);
    this.name = 'IdTokenValidationError';
  }
}

/**
 * A bad signature, or no usable key in the provider's JWKS. Its message is fixed text starting
 * with `ID token signature verification failed`.
 */
export class IdTokenSignatureError extends Error {
  constructor(detail?: string) {
    super(
      `ID token signature verification failed${detail ? `: ${detail}` : ''}`,
    );
    this.name = 'IdTokenSignatureError';
  }
}

/** jose's key selection and signature failures, as fixed details. */
const SIGNATURE_FAILURES: Record<string, string | undefined> = {
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: undefined,
  ERR_JWKS_NO_MATCHING_KEY: 'no matching key in the Palette JWKS',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS:
    'several keys in the Palette JWKS match and the ID token names no kid',
  ERR_JWKS_INVALID: 'the Palette JWKS holds an unusable key',
};

/**
 * Completes the validation of an ID token whose claims oauth4webapi's
 * `processAuthorizationCodeResponse` already checked (see `exchangeAuthorizationCode`), with what
 * it leaves out:
 * - `azp`, when present, must equal the client id even with a single audience (OIDC Core
 *   §3.1.3.7 step 5; the library checks it only with several audiences) and `sub` must not be
 *   empty (the library checks only that it is a string);
 * - the JWS signature (OIDC Core §3.1.3.7 step 6), with jose over our {@link JwksCache}: a key of
 *   the provider's JWKS, an algorithm of `algorithms`; an unknown key refetches the JWKS once,
 *   rate-limited (the library's own JWKS cache refetches only once its copy is 60 s old, so a key
 *   rotation right after a sign-in would fail).
 *
 * @throws IdTokenValidationError for `azp` or `sub`, IdTokenSignatureError for a bad signature
 *   or no usable key, JwksFetchError when the JWKS cannot be fetched.
 */
export async function verifyIdToken(
  idToken: string,
  claims: IDToken,
  jwks: JwksCache,
  expected: { clientId: string; algorithms: string[] },
): Promise<void> {
  if (claims.azp !== undefined && claims.azp !== expected.clientId) {
    throw new IdTokenValidationError('authorized party (azp) mismatch');
  }
  if (!claims.sub) {
    throw new IdTokenValidationError('malformed sub claim');
  }
  const { kid } = decodeProtectedHeader(idToken);
  try {
    await jwks.verifyWith(kid, getKey =>
      compactVerify(idToken, getKey, { algorithms: expected.algorithms }),
    );
  } catch (error) {
    const code = String((error as { code?: unknown })?.code);
    if (code in SIGNATURE_FAILURES) {
      throw new IdTokenSignatureError(SIGNATURE_FAILURES[code]);
    }
    throw error;
  }
}
