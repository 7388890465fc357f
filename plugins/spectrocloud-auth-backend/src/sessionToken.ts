import { decodeJwt, decodeProtectedHeader } from 'jose';

/** A Palette session token with its expiry, as read (not verified) from the token itself. */
export interface PaletteSessionToken {
  /** The HS256 JWT, sent to the Palette REST API as `Authorization: <token>`. */
  token: string;
  /** Its `exp` claim, in epoch SECONDS. */
  expiresAt: number;
}

/**
 * Reads a candidate Palette session token: an HS256 JWT with a numeric `exp`. Only DECODES it
 * (Palette holds the HMAC key): the result is never used for a security decision, only to find
 * the token and its expiry.
 *
 * @returns `undefined` when `candidate` is not such a JWT
 */
export function readPaletteSessionToken(
  candidate: unknown,
): PaletteSessionToken | undefined {
  if (typeof candidate !== 'string' || candidate.split('.').length !== 3) {
    return undefined;
  }
  try {
    // Each part is decoded once: the header for `alg`, the payload for `exp`.
    if (decodeProtectedHeader(candidate).alg !== 'HS256') {
      return undefined;
    }
    const { exp } = decodeJwt(candidate);
    if (typeof exp !== 'number' || !Number.isFinite(exp)) {
      return undefined;
    }
    return { token: candidate, expiresAt: exp };
  } catch {
    return undefined;
  }
}

/**
 * Finds the Palette session token in a token response: the `refresh_token` when it is an HS256
 * JWT, else the authorization `code` when that is an HS256 JWT (older Palette versions), else
 * `undefined`.
 */
export function findPaletteSessionToken(sources: {
  refreshToken?: unknown;
  code?: unknown;
}): PaletteSessionToken | undefined {
  return (
    readPaletteSessionToken(sources.refreshToken) ??
    readPaletteSessionToken(sources.code)
  );
}

/** The ownership check shared with the token cache's `storeSessionToken`. */
export { sessionTokenBelongsTo } from '@terasky/backstage-plugin-spectrocloud-token-cache/sessions';
