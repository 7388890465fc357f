import type { SpectroCloudSessions } from './sessions/types';
import type { SessionTokenEntry } from './sessionTokenEntry';

export type { SessionTokenEntry };

/**
 * Input of {@link SpectroCloudTokenCache.storeSessionToken}.
 * @public
 */
export interface StoreSessionTokenOptions {
  /** The user's email (any case; it is normalised). */
  email: string;
  /** The HS256 Palette session token. */
  token: string;
  /** Expiry in epoch SECONDS, normally the token's `exp` claim. Entries in the past are not stored. */
  expiresAt: number;
  /**
   * The Backstage user entity ref the sign-in resolved to, e.g. `user:default/alice`. When given,
   * {@link SpectroCloudTokenCache.getSessionTokenForUser} finds the token by this ref.
   */
  userEntityRef?: string;
}

/**
 * The token cache as a Backstage service, obtained through `spectroCloudTokenCacheServiceRef`.
 *
 * @remarks
 * Use {@link SpectroCloudTokenCache.getSessionTokenForUser} with the user entity ref taken from
 * `httpAuth.credentials(req, { allow: ['user'] })`. Looking a token up by an email that a caller
 * sent you lets that caller read another user's token: never do that.
 * @public
 */
export interface SpectroCloudTokenCache {
  /**
   * The session records (one per sign-in) that the auth module creates, renews and ends; the
   * lookups below are views of them.
   */
  readonly sessions: SpectroCloudSessions;
  /**
   * Records a session made outside the auth module: a live session record (no ID token) holding
   * `token` until `expiresAt`.
   * @throws TypeError on an empty email or token, a non-finite `expiresAt`, or a token whose
   *   `email` claim names another user than `email` (see `sessionTokenBelongsTo`)
   * @throws SessionStoreUnavailableError when the shared store is down (nothing stored)
   */
  storeSessionToken(options: StoreSessionTokenOptions): Promise<void>;
  /**
   * The unexpired session token of the newest live session of the Backstage user `userEntityRef`
   * (e.g. `user:default/alice`), signed in on this or, with the shared tier, any backend instance;
   * `undefined` when there is none (or the shared store is down). Take `userEntityRef` from the
   * caller's verified credentials (see `getSessionTokenForRequest`).
   */
  getSessionTokenForUser(
    userEntityRef: string,
  ): Promise<SessionTokenEntry | undefined>;
  /**
   * The unexpired session token of the newest live session of `email` (normalised), or `undefined`.
   * Only call this with an email you obtained from a verified identity, never from a request.
   */
  getSessionTokenByEmail(email: string): Promise<SessionTokenEntry | undefined>;
  /**
   * Ends every live session of a user, found by email and/or user entity ref ("sign out
   * everywhere"), on every instance sharing the store.
   * @throws SessionStoreUnavailableError when the shared store is down (nothing ended)
   */
  deleteSessionToken(options: {
    email?: string;
    userEntityRef?: string;
  }): Promise<void>;
}
