import { HttpAuthService } from '@backstage/backend-plugin-api';
import { SessionTokenEntry, SpectroCloudTokenCache } from './types';

/**
 * The result of {@link getSessionTokenForRequest}.
 * @public
 */
export interface UserSessionToken {
  /** The authenticated caller, e.g. `user:default/alice`. */
  userEntityRef: string;
  /** That user's Palette session token, or `undefined` when none is cached (sign in again). */
  entry: SessionTokenEntry | undefined;
}

/**
 * The Palette session token of the user who made `req`: the safe way for a backend plugin to get
 * one. The user comes from the request's verified Backstage credentials
 * (`httpAuth.credentials(req, { allow: ['user'] })`), never from anything else the caller sends,
 * so a caller can only ever obtain their own token.
 *
 * @example
 * ```ts
 * router.get('/clusters', async (req, res) => {
 *   const { entry } = await getSessionTokenForRequest(req, { httpAuth, tokenCache });
 *   if (!entry) {
 *     // no live Palette session: prefer requireSessionTokenForRequest, which answers 401 with the
 *     // X-SpectroCloud-ReAuth-Required signal that the frontend's withSessionRecovery heals
 *   }
 *   // fetch(`${apiUrl}/v1/...`, { headers: { Authorization: entry.token } })
 * });
 * ```
 * @param req - the incoming express request
 * @param deps - `httpAuth` (`coreServices.httpAuth`) and `tokenCache`
 *   (`spectroCloudTokenCacheServiceRef`)
 * @throws the `AuthenticationError` (401) or `NotAllowedError` (403) of `httpAuth.credentials`
 *   when the request carries no valid user credentials (e.g. none, or a service token)
 * @public
 */
export async function getSessionTokenForRequest(
  req: Parameters<HttpAuthService['credentials']>[0],
  deps: {
    httpAuth: HttpAuthService;
    tokenCache: Pick<SpectroCloudTokenCache, 'getSessionTokenForUser'>;
  },
): Promise<UserSessionToken> {
  const credentials = await deps.httpAuth.credentials(req, { allow: ['user'] });
  const userEntityRef = credentials.principal.userEntityRef;
  return {
    userEntityRef,
    entry: await deps.tokenCache.getSessionTokenForUser(userEntityRef),
  };
}
