import { OAuth2, type OAuthApiCreateOptions } from '@backstage/core-app-api';
import type {
  AuthProviderInfo,
  AuthRequestOptions,
  BackstageIdentityResponse,
  FetchApi,
  OAuthApi,
  OAuthScope,
  ProfileInfo,
  SessionState,
} from '@backstage/core-plugin-api';
import type { Observable } from '@backstage/types';
import { spectroCloudIcon } from './icon';
import { RenewableConnector } from './renewableConnector';
import { SessionRecovery } from './sessionRecovery';
import { usableApiToken } from './tokens';
import type { SpectroCloudAuthApi } from './types';

/**
 * The auth provider the frontend talks to by default: backend routes
 * `<auth base URL>/spectrocloud/{start,refresh,logout,handler/frame}`.
 *
 * @internal
 */
export const spectroCloudAuthProvider: AuthProviderInfo = {
  id: 'spectrocloud',
  title: 'SpectroCloud',
  icon: spectroCloudIcon,
};

/**
 * Scopes requested when none are given: `['openid', 'profile', 'email']`.
 *
 * @internal
 */
export const SPECTROCLOUD_DEFAULT_SCOPES: readonly string[] = [
  'openid',
  'profile',
  'email',
];

/**
 * Options of {@link SpectroCloudAuth.create}; the same shape as core-app-api's
 * `OAuthApiCreateOptions`:
 *
 * - `discoveryApi` (required): resolves the `auth` backend base URL.
 * - `oauthRequestApi` (required): shows the sign-in request dialog / popup.
 * - `configApi`: reads `enableExperimentalRedirectFlow`; pass it (without it
 *   core-app-api prints a deprecation warning).
 * - `environment`: auth environment, default `'development'` (the factories of
 *   this package pass config `auth.environment`).
 * - `provider`: `{ id, title, icon }`, default
 *   `{ id: 'spectrocloud', title: 'SpectroCloud', icon: <cloud icon> }`.
 *   `id` must match the backend provider id.
 * - `defaultScopes`: default `['openid', 'profile', 'email']`.
 *
 * @public
 */
export type SpectroCloudAuthCreateOptions = OAuthApiCreateOptions;

/**
 * Frontend implementation of {@link SpectroCloudAuthApi} (also `OAuthApi`).
 *
 * @remarks
 *
 * Every Backstage auth method is delegated to an instance of core-app-api's
 * `OAuth2` (session refresh via `GET <auth>/<provider>/refresh`, refreshed when
 * the provider or Backstage token expires within 180 seconds; sign-in popup via
 * the `OAuthRequestApi`). Only {@link SpectroCloudAuth.getSpectroCloudApiToken}
 * is specific to SpectroCloud.
 *
 * @public
 */
export class SpectroCloudAuth implements SpectroCloudAuthApi, OAuthApi {
  /**
   * Creates the API. Does no network call by itself.
   *
   * @param options - see {@link SpectroCloudAuthCreateOptions}.
   */
  static create(options: SpectroCloudAuthCreateOptions): SpectroCloudAuth {
    const {
      discoveryApi,
      oauthRequestApi,
      configApi,
      environment = 'development',
      provider = spectroCloudAuthProvider,
      defaultScopes = [...SPECTROCLOUD_DEFAULT_SCOPES],
    } = options;
    const connector = RenewableConnector.forOptions({
      discoveryApi,
      oauthRequestApi,
      configApi,
      environment,
      provider,
      defaultScopes,
    });
    return new SpectroCloudAuth(
      OAuth2.create({ authConnector: connector, defaultScopes }),
      connector,
      new Set(defaultScopes),
    );
  }

  private readonly recovery: SessionRecovery;

  private constructor(
    private readonly oauth2: OAuth2,
    connector: RenewableConnector,
    defaultScopes: Set<string>,
  ) {
    /** Lets the session manager take up the backend session as it is now (one refresh call). */
    const adoptBackendSession = async () => {
      connector.expireCurrentSession();
      await oauth2.getAccessToken(undefined, { optional: true });
    };
    this.recovery = new SessionRecovery({
      renewSilently: adoptBackendSession,
      signIn: async () => {
        // the standard sign-in request: the OAuthRequestApi dialog, then the popup
        await connector.inner.createSession({ scopes: defaultScopes });
        await adoptBackendSession();
      },
    });
  }

  /**
   * Wraps `fetchApi` (e.g. `useApi(fetchApiRef)`) so that its calls heal a lost Palette session.
   *
   * @remarks
   *
   * When a response carries `X-SpectroCloud-ReAuth-Required: true` (sent by backend plugins
   * through the token cache's `requireSessionTokenForRequest` with HTTP 401, and by the published
   * `@terasky/backstage-plugin-spectrocloud-backend`), the wrapped `fetch`:
   *
   * 1. renews the session silently (a session refresh, `GET <auth>/spectrocloud/refresh`, no
   *    popup) and sends the request again;
   * 2. if the signal comes again, opens the standard sign-in request (the OAuthRequestApi dialog
   *    with its "Log in" button, then the Palette popup) and sends the request once more.
   *
   * It never loops (at most three requests per call), and concurrent failing calls share one
   * refresh and one sign-in request. It resolves to the last response (check `response.ok`; after
   * a cancelled sign-in that is the response with the signal). `input` and `init` are sent again
   * as given; a call whose `init.body` is a stream (sendable once) is not recovered and resolves
   * to its first response. It never rejects
   * because of the recovery itself; network errors of `fetchApi.fetch` pass through.
   */
  withSessionRecovery(fetchApi: FetchApi): FetchApi {
    return this.recovery.wrap(fetchApi);
  }

  /** Opens the sign-in flow unless a session exists (`OAuth2.signIn`). */
  signIn(): Promise<void> {
    return this.oauth2.signIn();
  }

  /** Removes the session: `POST <auth>/<provider>/logout` (`OAuth2.signOut`). */
  signOut(): Promise<void> {
    return this.oauth2.signOut();
  }

  /** Emits `SessionState.SignedIn` / `SignedOut` (`OAuth2.sessionState$`). */
  sessionState$(): Observable<SessionState> {
    return this.oauth2.sessionState$();
  }

  /**
   * The session's access token, which the SpectroCloud backend sets to the
   * Palette session token (`OAuth2.getAccessToken`). Without
   * `{ optional: true }` this may open the sign-in flow; with it, resolves to
   * `''` when there is no session.
   */
  getAccessToken(
    scope?: OAuthScope,
    options?: AuthRequestOptions,
  ): Promise<string> {
    return this.oauth2.getAccessToken(scope, options);
  }

  /**
   * The RS256 OIDC ID token issued by Palette (`OAuth2.getIdToken`); resolves
   * to `''` with `{ optional: true }` and no session.
   */
  getIdToken(options?: AuthRequestOptions): Promise<string> {
    return this.oauth2.getIdToken(options);
  }

  /** `{ email?, displayName?, picture? }` of the session (`OAuth2.getProfile`). */
  getProfile(options?: AuthRequestOptions): Promise<ProfileInfo | undefined> {
    return this.oauth2.getProfile(options);
  }

  /**
   * `{ token, identity: { type, userEntityRef, ownershipEntityRefs } }` issued
   * by the backend sign-in resolver (`OAuth2.getBackstageIdentity`).
   */
  getBackstageIdentity(
    options?: AuthRequestOptions,
  ): Promise<BackstageIdentityResponse | undefined> {
    return this.oauth2.getBackstageIdentity(options);
  }

  /**
   * Resolves to the Palette session token, for the header
   * `Authorization: <token>` (no `Bearer`) of Palette REST calls.
   *
   * @remarks
   *
   * The token is the session's access token, asked for with
   * `getAccessToken(undefined, { optional: true })`: an existing or
   * refreshable session is used (one `GET <auth>/spectrocloud/refresh` call at
   * most, whose JSON answer carries it in `providerInfo.accessToken`), a
   * sign-in popup is never requested. The backend's HttpOnly
   * `spectrocloud-api-token` cookie is not read here (the page cannot read
   * it): it is for backend plugins on the same site, which receive it with
   * the browser's requests.
   *
   * Resolves to `undefined` when there is no session, when the access token is
   * a JWT with header `alg: RS256` (the ID token, never handed out as a
   * Palette token), or on any error: it never rejects.
   */
  async getSpectroCloudApiToken(): Promise<string | undefined> {
    try {
      const token = await this.oauth2.getAccessToken(undefined, {
        optional: true,
      });
      return usableApiToken(token);
    } catch {
      return undefined;
    }
  }
}
