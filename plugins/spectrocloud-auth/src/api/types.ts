import type {
  BackstageIdentityApi,
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
  };
