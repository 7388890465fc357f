import { InProcessTokenStore } from './InProcessTokenStore';
import { normalizeEmail } from './normalizeEmail';
import { SharedTokenStore } from './shared/SharedTokenStore';
import {
  SessionTokenEntry,
  SpectroCloudTokenCache,
  StoreSessionTokenOptions,
} from './types';

/**
 * Options of {@link DefaultSpectroCloudTokenCache}.
 * @public
 */
export interface DefaultSpectroCloudTokenCacheOptions {
  /** The shared tier; without it the cache is in-process only. */
  shared?: SharedTokenStore;
}

/**
 * {@link SpectroCloudTokenCache} over two tiers: the in-process {@link InProcessTokenStore}
 * and, when given, the {@link SharedTokenStore} on the portal's Backstage cache store.
 *
 * @remarks
 * Writes go to both tiers (shared TTL = the token's remaining lifetime). Reads check the
 * in-process tier first, then the shared tier, and copy what they find there into the in-process
 * tier. The shared tier never makes a method reject: when its store is down, reads fall back to
 * the in-process tier and writes reach the in-process tier only.
 *
 * A delete removes the entry from the shared tier and from THIS process; other backend
 * instances keep their in-process copy until the token expires.
 * @public
 */
export class DefaultSpectroCloudTokenCache implements SpectroCloudTokenCache {
  readonly #store: InProcessTokenStore;
  readonly #shared: SharedTokenStore | undefined;

  constructor(
    store: InProcessTokenStore,
    options: DefaultSpectroCloudTokenCacheOptions = {},
  ) {
    this.#store = store;
    this.#shared = options.shared;
  }

  async storeSessionToken(options: StoreSessionTokenOptions): Promise<void> {
    const { email, token, expiresAt, userEntityRef } = options;
    this.#store.set(email, token, expiresAt, userEntityRef);
    await this.#shared?.setEntry(email, { token, expiresAt }, userEntityRef);
  }

  async getSessionTokenForUser(
    userEntityRef: string,
  ): Promise<SessionTokenEntry | undefined> {
    const localEmail = this.#store.emailForUser(userEntityRef);
    const local =
      localEmail === undefined ? undefined : this.#store.get(localEmail);
    if (local || !this.#shared) {
      return local;
    }
    const email =
      (await this.#shared.getEmailForUser(userEntityRef)) ?? localEmail;
    if (email === undefined) {
      return undefined;
    }
    const entry = await this.#shared.getEntry(email);
    if (entry) {
      this.#store.set(email, entry.token, entry.expiresAt, userEntityRef);
    }
    return entry;
  }

  async getSessionTokenByEmail(
    email: string,
  ): Promise<SessionTokenEntry | undefined> {
    const local = this.#store.get(email);
    if (local || !this.#shared) {
      return local;
    }
    const entry = await this.#shared.getEntry(email);
    if (entry) {
      this.#store.set(email, entry.token, entry.expiresAt);
    }
    return entry;
  }

  async deleteSessionToken(options: {
    email?: string;
    userEntityRef?: string;
  }): Promise<void> {
    const { userEntityRef } = options;
    let email = options.email ?? undefined;
    if (!email && userEntityRef) {
      email =
        this.#store.emailForUser(userEntityRef) ??
        (await this.#shared?.getEmailForUser(userEntityRef));
    }
    if (userEntityRef) {
      this.#store.unlinkUser(userEntityRef);
    }
    if (email) {
      this.#store.delete(email);
    }
    await Promise.all([
      email ? this.#shared?.deleteEntry(normalizeEmail(email)) : undefined,
      userEntityRef ? this.#shared?.deleteUser(userEntityRef) : undefined,
    ]);
  }
}
