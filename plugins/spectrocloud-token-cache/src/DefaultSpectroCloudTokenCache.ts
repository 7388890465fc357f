import { InProcessTokenStore } from './InProcessTokenStore';
import {
  SessionTokenEntry,
  SpectroCloudTokenCache,
  StoreSessionTokenOptions,
} from './types';

/**
 * {@link SpectroCloudTokenCache} over the in-process tier.
 * @public
 */
export class DefaultSpectroCloudTokenCache implements SpectroCloudTokenCache {
  readonly #store: InProcessTokenStore;

  constructor(store: InProcessTokenStore) {
    this.#store = store;
  }

  async storeSessionToken(options: StoreSessionTokenOptions): Promise<void> {
    this.#store.set(
      options.email,
      options.token,
      options.expiresAt,
      options.userEntityRef,
    );
  }

  async getSessionTokenForUser(
    userEntityRef: string,
  ): Promise<SessionTokenEntry | undefined> {
    const email = this.#store.emailForUser(userEntityRef);
    return email === undefined ? undefined : this.#store.get(email);
  }

  async getSessionTokenByEmail(
    email: string,
  ): Promise<SessionTokenEntry | undefined> {
    return this.#store.get(email);
  }

  async deleteSessionToken(options: {
    email?: string;
    userEntityRef?: string;
  }): Promise<void> {
    const email =
      options.email ??
      (options.userEntityRef
        ? this.#store.emailForUser(options.userEntityRef)
        : undefined);
    if (options.userEntityRef) {
      this.#store.unlinkUser(options.userEntityRef);
    }
    if (email) {
      this.#store.delete(email);
    }
  }
}
