import {
  OAuth2,
  type AuthConnector,
  type AuthConnectorCreateSessionOptions,
  type AuthConnectorRefreshSessionOptions,
  type OAuth2CreateOptions,
  type OAuth2Session,
} from '@backstage/core-app-api';

/**
 * core-app-api's own auth connector for `OAuth2` (refresh: `GET <auth>/<id>/refresh?optional`;
 * sign-in: the OAuthRequestApi dialog, then the popup), with one addition: it can mark the session
 * it last handed to `OAuth2`'s session manager as expired, so that the next
 * `getAccessToken(..., { optional: true })` refreshes it right away (the manager has no "force
 * refresh" of its own: it refreshes only within 180 s of expiry).
 *
 * @internal
 */
export class RenewableConnector implements AuthConnector<OAuth2Session> {
  #current: OAuth2Session | undefined;

  constructor(readonly inner: AuthConnector<OAuth2Session>) {}

  /** The connector `OAuth2.create(options)` would build (its private factory). */
  static forOptions(options: OAuth2CreateOptions): RenewableConnector {
    return new RenewableConnector(OAuth2['createAuthConnector'](options));
  }

  async createSession(
    options: AuthConnectorCreateSessionOptions,
  ): Promise<OAuth2Session> {
    this.#current = await this.inner.createSession(options);
    return this.#current;
  }

  async refreshSession(
    options?: AuthConnectorRefreshSessionOptions,
  ): Promise<OAuth2Session> {
    this.#current = await this.inner.refreshSession(options);
    return this.#current;
  }

  async removeSession(): Promise<void> {
    this.#current = undefined;
    await this.inner.removeSession();
  }

  /** Makes the session manager see its current session as due for a refresh. */
  expireCurrentSession(): void {
    if (this.#current) {
      this.#current.providerInfo.expiresAt = new Date(0);
    }
  }
}
