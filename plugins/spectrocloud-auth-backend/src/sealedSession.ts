import { AuthenticationError } from '@backstage/errors';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { BoundedCache } from './boundedCache';

const SEAL_ISSUER = 'backstage-plugin-spectrocloud-auth-backend';

/** Refresh tokens opened per seal key, with their session id and `exp`: most kept per key. */
const MAX_OPENED_PER_KEY = 10_000;
const opened = new WeakMap<
  Uint8Array,
  BoundedCache<{ sid: string; exp: number }>
>();

/**
 * Seals a session id into the refresh token Backstage keeps in its httpOnly refresh cookie: a JWE
 * (`dir` + `A256GCM`, RFC 7516/7518), readable only by backends holding the same client secret.
 * It names the server-side session record and holds nothing else: ending the record ends it.
 *
 * @param key - the 256-bit seal key (see `deriveFlowKeys`)
 * @param expiresAt - the JWE `exp`, epoch SECONDS (the session record's absolute end)
 */
export async function sealSession(
  sessionId: string,
  key: Uint8Array,
  expiresAt: number,
): Promise<string> {
  return new EncryptJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuer(SEAL_ISSUER)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .encrypt(key);
}

/**
 * Opens a sealed refresh token. A token this process opened before under the same key is not
 * decrypted again (every refresh of a session presents the same one): its session id is
 * remembered (at most 10 000 tokens per key), and its `exp` is checked on every call.
 *
 * @returns the session id
 * @throws AuthenticationError when it was tampered with, sealed with another key, or expired
 */
export async function unsealSession(
  sealed: string,
  key: Uint8Array,
): Promise<string> {
  let cache = opened.get(key);
  if (!cache) {
    cache = new BoundedCache(MAX_OPENED_PER_KEY);
    opened.set(key, cache);
  }
  const known = cache.get(sealed);
  if (known) {
    if (known.exp <= Math.floor(Date.now() / 1000)) {
      throw new AuthenticationError(
        'The SpectroCloud session has expired; sign in again',
      );
    }
    return known.sid;
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtDecrypt(sealed, key, {
      issuer: SEAL_ISSUER,
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      requiredClaims: ['exp'],
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
  if (typeof payload.sid !== 'string' || !payload.sid) {
    throw new AuthenticationError(
      'The SpectroCloud session cookie is invalid; sign in again',
    );
  }
  cache.set(sealed, { sid: payload.sid, exp: payload.exp as number });
  return payload.sid;
}
