import { AuthenticationError } from '@backstage/errors';
import { EncryptJWT, jwtDecrypt } from 'jose';

/** What the sealed refresh token carries. */
export interface SealedSessionContent {
  /** The RS256 ID token, verified at sign-in. */
  idToken: string;
  /** The Palette session token, when Palette delivered one. */
  sessionToken?: string;
}

/** What {@link unsealSession} returns: the content and the seal's `exp` (epoch SECONDS). */
export interface UnsealedSession extends SealedSessionContent {
  expiresAt: number;
}

const SEAL_ISSUER = 'backstage-plugin-spectrocloud-auth-backend';

/**
 * Seals the session into a JWE (`dir` + `A256GCM`, RFC 7516/7518): confidential and
 * integrity-protected, readable only by backends holding the same client secret.
 *
 * @param key - the 256-bit seal key (see `deriveFlowKeys`)
 * @param expiresAt - the JWE `exp`, epoch SECONDS (the session token's expiry)
 */
export async function sealSession(
  content: SealedSessionContent,
  key: Uint8Array,
  expiresAt: number,
): Promise<string> {
  return new EncryptJWT({
    idToken: content.idToken,
    ...(content.sessionToken ? { sessionToken: content.sessionToken } : {}),
  })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuer(SEAL_ISSUER)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .encrypt(key);
}

/**
 * Opens a sealed refresh token.
 *
 * @param options - `allowExpired`: open a genuine seal past its `exp` too (the caller checks
 *   `expiresAt`; used to identify the session whose state must be cleared)
 * @throws AuthenticationError when it was tampered with, sealed with another key, or expired
 */
export async function unsealSession(
  sealed: string,
  key: Uint8Array,
  options: { allowExpired?: boolean } = {},
): Promise<UnsealedSession> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtDecrypt(sealed, key, {
      issuer: SEAL_ISSUER,
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      requiredClaims: ['exp'],
      ...(options.allowExpired ? { currentDate: new Date(0) } : {}),
    }));
  } catch (error) {
    if ((error as { code?: unknown })?.code === 'ERR_JWT_EXPIRED') {
      throw new AuthenticationError(
        'The SpectroCloud session has expired; sign in again',
      );
    }
    throw new AuthenticationError(
      'The SpectroCloud session cookie is invalid; sign in again',
    );
  }
  const { idToken, sessionToken, exp } = payload;
  if (
    typeof idToken !== 'string' ||
    typeof exp !== 'number' ||
    (sessionToken !== undefined && typeof sessionToken !== 'string')
  ) {
    throw new AuthenticationError(
      'The SpectroCloud session cookie is invalid; sign in again',
    );
  }
  return { idToken, sessionToken, expiresAt: exp };
}
