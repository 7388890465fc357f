import type {
  BackstageIdentityApi,
  FetchApi,
  OpenIdConnectApi,
  ProfileInfoApi,
  SessionApi,
} from '@backstage/core-plugin-api';

/**
 * The SpectroCloud Palette sign-in API.
 *
 * @remarks
 *
 * The Backstage session behind it is created by the auth backend provider
 * `spectrocloud` (`@terasky/backstage-plugin-spectrocloud-auth-backend`), which
 * hands Backstage a session whose `accessToken` is the Palette session token
 * (an HS256 JWT Palette signs) and whose `idToken` is the RS256 OIDC ID token.
 *
 * - `getIdToken(options?)`: the RS256 ID token (OIDC); use it for Kubernetes
 *   OIDC (`oidcTokenProvider`). Resolves to `''` when `optional` is set and there
 *   is no session.
 * - `getProfile`, `getBackstageIdentity`, `signIn`, `signOut`,
 *   `sessionState$`: the standard Backstage auth API behaviour (core-app-api
 *   `OAuth2`).
 * - `getSpectroCloudApiToken()`: the Palette session token for the header
 *   `Authorization: <token>` of Palette REST calls, or `undefined`; it never
 *   opens a sign-in popup and never throws. It comes from the session refresh
 *   response (`providerInfo.accessToken`); see
 *   {@link SpectroCloudAuth.getSpectroCloudApiToken}.
 * - `withSessionRecovery(fetchApi)`: a `fetchApi` that heals a lost Palette
 *   session (silent refresh, then one sign-in request).
 *
 * @public
 */
export type SpectroCloudAuthApi = OpenIdConnectApi &
  ProfileInfoApi &
  BackstageIdentityApi &
  SessionApi & {
    /**
     * Resolves to the Palette session token of the signed-in user, or
     * `undefined` when there is none. Never opens a sign-in popup, never
     * rejects, and never resolves to an RS256-signed JWT (the ID token).
     */
    getSpectroCloudApiToken(): Promise<string | undefined>;
    /**
     * `fetchApi` wrapped so that a response with `X-SpectroCloud-ReAuth-Required: true` (the
     * backend has no Palette session for the user) is healed: a silent session refresh and one
     * retry, then the standard sign-in request (dialog + popup) and one more retry. At most three
     * requests per call, one refresh and one sign-in request for concurrent calls; resolves to the
     * last response. See {@link SpectroCloudAuth.withSessionRecovery}.
     */
    withSessionRecovery(fetchApi: FetchApi): FetchApi;
  };
