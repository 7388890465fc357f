import { randomBytes } from 'node:crypto';
import { normalizeEmail } from './normalizeEmail';
import { sessionTokenBelongsTo } from './sessionTokenOwner';
import { SpectroCloudSessions } from './sessions/types';
import {
  SessionTokenEntry,
  SpectroCloudTokenCache,
  StoreSessionTokenOptions,
} from './types';

/**
 * {@link SpectroCloudTokenCache} as views of the session records: every lookup returns the
 * Palette session token of the user's newest live session (see
 * {@link SpectroCloudSessions.newestLive}).
 *
 * @remarks
 * In shared mode every lookup reads the shared store (no in-process copy, so no staleness); while
 * that store is down lookups find nothing (the caller answers "sign in again" rather than serve a
 * token that may have been ended meanwhile).
 * @public
 */
export class DefaultSpectroCloudTokenCache implements SpectroCloudTokenCache {
  /** {@inheritDoc SpectroCloudTokenCache.sessions} */
  readonly sessions: SpectroCloudSessions;
  readonly #now: () => number;

  /**
   * @param sessions - the session store whose records the lookups read
   * @param now - clock in epoch MILLISECONDS, for tests; default `Date.now`
   */
  constructor(sessions: SpectroCloudSessions, now: () => number = Date.now) {
    this.sessions = sessions;
    this.#now = now;
  }

  /** {@inheritDoc SpectroCloudTokenCache.storeSessionToken} */
  async storeSessionToken(options: StoreSessionTokenOptions): Promise<void> {
    const { email, token, expiresAt, userEntityRef } = options;
    normalizeEmail(email);
    if (typeof token !== 'string' || token === '') {
      throw new TypeError('token must be a non-empty string');
    }
    if (!sessionTokenBelongsTo({ token }, email)) {
      throw new TypeError("the token's email claim names another user");
    }
    if (!Number.isFinite(expiresAt)) {
      throw new TypeError('expiresAt must be a number of epoch seconds');
    }
    const now = Math.floor(this.#now() / 1000);
    if (expiresAt <= now) {
      return;
    }
    const id = randomBytes(32).toString('base64url');
    await this.sessions.create({
      id,
      email,
      ...(userEntityRef ? { userEntityRef } : {}),
      idToken: '',
      idTokenExpiresAt: expiresAt,
      sessionToken: { token, expiresAt },
      scope: '',
      createdAt: now,
      expiresAt,
    });
    if (!userEntityRef) {
      // A record created without a user counts as a sign-in in progress (kept minutes only):
      // binding it keeps it until `expiresAt`. With a user, `create` did that already.
      await this.sessions.bindUser(id);
    }
  }

  /** {@inheritDoc SpectroCloudTokenCache.getSessionTokenForUser} */
  async getSessionTokenForUser(
    userEntityRef: string,
  ): Promise<SessionTokenEntry | undefined> {
    return this.#tokenOf({ userEntityRef });
  }

  /** {@inheritDoc SpectroCloudTokenCache.getSessionTokenByEmail} */
  async getSessionTokenByEmail(
    email: string,
  ): Promise<SessionTokenEntry | undefined> {
    return this.#tokenOf({ email: normalizeEmail(email) });
  }

  /** {@inheritDoc SpectroCloudTokenCache.deleteSessionToken} */
  async deleteSessionToken(options: {
    email?: string;
    userEntityRef?: string;
  }): Promise<void> {
    await this.sessions.endAllOf(options);
  }

  async #tokenOf(user: {
    email?: string;
    userEntityRef?: string;
  }): Promise<SessionTokenEntry | undefined> {
    try {
      const token = (await this.sessions.newestLive(user))?.sessionToken;
      return token && { ...token };
    } catch {
      return undefined;
    }
  }
}
