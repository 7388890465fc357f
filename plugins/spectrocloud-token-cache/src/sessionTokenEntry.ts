/**
 * One cached Palette session token.
 *
 * @remarks
 * This is also the value shape of the process-wide compatibility map
 * `globalThis.__SPECTROCLOUD_TOKEN_CACHE__` that the published spectrocloud-backend plugin reads.
 * @public
 */
export interface SessionTokenEntry {
  /** The HS256 Palette session token, sent to the Palette REST API as `Authorization: <token>`. */
  token: string;
  /** When the token expires, in epoch SECONDS (the JWT `exp` claim). */
  expiresAt: number;
}
