import { jwtDecode, type JwtHeader } from 'jwt-decode';

/**
 * True when `value` is a JWT whose header says `alg: RS256` (the OIDC ID
 * token). Only the header is decoded (jwt-decode); nothing is verified. A value
 * that is not a JWT gives false.
 */
export function isRs256Jwt(value: string): boolean {
  try {
    return jwtDecode<JwtHeader>(value, { header: true }).alg === 'RS256';
  } catch {
    return false;
  }
}

/**
 * Returns `value` when it can be handed out as a Palette session token:
 * non-empty and not an RS256-signed JWT; otherwise `undefined`.
 */
export function usableApiToken(value: string | undefined): string | undefined {
  if (!value || isRs256Jwt(value)) {
    return undefined;
  }
  return value;
}
