import type { SessionTokenEntry } from '../sessionTokenEntry';

/**
 * One server-side session record: one per sign-in (per device), the single source of truth of
 * that session. All times are epoch SECONDS.
 * @public
 */
export interface SessionRecord {
  /** Random, unguessable session id (256 bits, base64url); the sealed refresh cookie names it. */
  id: string;
  /** The user's email, normalised (trimmed, lower-cased). */
  email: string;
  /** The Backstage user the sign-in resolved to, e.g. `user:default/alice`. */
  userEntityRef?: string;
  /** The RS256 ID token verified at sign-in (handed out again on refresh). */
  idToken: string;
  /** The ID token's `exp`. */
  idTokenExpiresAt: number;
  /** The current Palette session token and its `exp`, when Palette delivered one. */
  sessionToken?: SessionTokenEntry;
  /** The granted scope. */
  scope: string;
  /** When the sign-in happened. */
  createdAt: number;
  /** When the Palette session token was last renewed, if ever. */
  renewedAt?: number;
  /** Absolute end of the session (sign-in + the provider's `sessionDuration`). */
  expiresAt: number;
  /** `ended` after logout (on any instance); an ended record never becomes live again. */
  state: 'live' | 'ended';
}

/**
 * Thrown by {@link SpectroCloudSessions} when the shared store did not answer (down, timing out):
 * the record cannot be read or written. Never thrown in in-process mode.
 * @public
 */
export class SessionStoreUnavailableError extends Error {
  constructor() {
    super('The SpectroCloud session store is unavailable; try again shortly');
    this.name = 'SessionStoreUnavailableError';
  }
}

/**
 * What {@link SpectroCloudSessions.renewSessionToken} calls to renew a Palette session token:
 * the renewed token, or `undefined` when the renewal could not be done now (Palette unavailable:
 * the record keeps its still valid token). A thrown error is passed through.
 * @public
 */
export type SessionTokenRenewal = (
  currentToken: string,
) => Promise<SessionTokenEntry | undefined>;

/**
 * The session records of the deployment: in the shared store when `spectrocloud.tokenCache.shared`
 * is on (encrypted, every instance reads the same records), else in this process.
 *
 * @remarks
 * In shared mode nothing is kept in process: every call reads or writes the shared store (no
 * staleness), and a failing store makes the calls reject with {@link SessionStoreUnavailableError}
 * (`end` included: a logout that could not be written is reported, never assumed).
 * @public
 */
export interface SpectroCloudSessions {
  /**
   * Stores a new live record (`state` is set here). Identity lookups (`newestLive`) find it only
   * once it is bound to a user: here when it has a `userEntityRef`, else by {@link bindUser}. A
   * record created without `userEntityRef` is kept 10 minutes only, until `bindUser` keeps it to
   * its `expiresAt`.
   * @throws SessionStoreUnavailableError
   */
  create(record: Omit<SessionRecord, 'state' | 'renewedAt'>): Promise<void>;
  /**
   * Binds live record `id` to its user (sets `userEntityRef` when given), keeps it until its
   * `expiresAt` and makes it findable by `newestLive` through that ref and its email. The auth module calls it once the sign-in
   * resolver succeeded. A missing or ended record is left alone.
   * @throws SessionStoreUnavailableError
   */
  bindUser(id: string, userEntityRef?: string): Promise<void>;
  /**
   * The record `id`, or `undefined` when there is none (never created, or past its `expiresAt`).
   * An ended record is returned with `state: 'ended'`.
   * @throws SessionStoreUnavailableError
   */
  get(id: string): Promise<SessionRecord | undefined>;
  /**
   * Renews the Palette session token of record `id` when it still is `currentToken`, with at most
   * one `renew` call per token across every instance sharing the store: the caller that wins a
   * short lock (`lock:<HMAC(token)>`, TTL `lockMs` MILLISECONDS) renews and writes the record; the
   * others do not wait: they get the record as it is (still `currentToken`, which is valid until
   * its `exp`), and a later call gets the renewed one. Returns the record as it is afterwards
   * (renewed, unchanged when the renewal could not be done or another caller holds the lock, or
   * ended meanwhile: an end is never overwritten).
   * @throws SessionStoreUnavailableError, or what `renew` throws
   */
  renewSessionToken(
    id: string,
    currentToken: string,
    renew: SessionTokenRenewal,
    lockMs: number,
  ): Promise<SessionRecord | undefined>;
  /**
   * Ends record `id` (logout): an `ended` mark that no later write of the record overrides.
   * @throws SessionStoreUnavailableError when the mark could not be written (the session is still
   *   live: the caller must report the failure so that the client retries)
   */
  end(id: string): Promise<void>;
  /**
   * Ends every record of the user named by `email` and/or `userEntityRef` created before this
   * call (sign out everywhere), on every instance: a revocation mark per email / user, compared with
   * each record's creation time (milliseconds, the creating instance's clock), so no index is
   * needed. Records created afterwards stay live.
   * @throws SessionStoreUnavailableError
   */
  endAllOf(user: { email?: string; userEntityRef?: string }): Promise<void>;
  /**
   * The newest (last created or renewed) live, unexpired record with an unexpired session token
   * bound to `userEntityRef`, or else of `email`.
   * @throws SessionStoreUnavailableError
   */
  newestLive(user: {
    email?: string;
    userEntityRef?: string;
  }): Promise<SessionRecord | undefined>;
  /**
   * Marks `name` as used for `ttlMs` MILLISECONDS; `false` when it already was (on any instance
   * sharing the store). Used to refuse replayed sign-in callbacks.
   * @throws SessionStoreUnavailableError
   */
  claimOnce(name: string, ttlMs: number): Promise<boolean>;
}
