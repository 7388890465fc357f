import { createHash } from 'node:crypto';

const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * Checks a PKCE code verifier against an S256 code challenge (RFC 7636
 * section 4.6): the verifier must be 43-128 unreserved characters and
 * `BASE64URL(SHA256(verifier))` must equal the challenge.
 */
export function verifyS256CodeVerifier(
  verifier: string,
  challenge: string,
): boolean {
  if (!VERIFIER_PATTERN.test(verifier)) return false;
  const computed = createHash('sha256')
    .update(verifier, 'ascii')
    .digest('base64url');
  return computed === challenge;
}
