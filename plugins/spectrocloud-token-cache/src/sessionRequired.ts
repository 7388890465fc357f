import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  getSessionTokenForRequest,
  UserSessionToken,
} from './getSessionTokenForRequest';
import { SessionTokenEntry, SpectroCloudTokenCache } from './types';

/**
 * Thrown (and answered with HTTP 401) when the caller has no live Palette session on the backend:
 * never signed in with SpectroCloud, logged out, the session ended or expired, or the backend lost
 * its in-process sessions in a restart. The response also carries the header
 * `X-SpectroCloud-ReAuth-Required: true` (see {@link requireSessionTokenForRequest}), the signal
 * the published `@terasky/backstage-plugin-spectrocloud-backend` already sends, so one frontend
 * handling (`spectroCloudAuthApiRef.withSessionRecovery`) covers both.
 *
 * @remarks
 * `name` is `'SpectroCloudSessionRequiredError'` and `statusCode` is `401`, which Backstage's
 * error handler (`MiddlewareFactory.error`) turns into the status of its JSON error response
 * `{ error: { name, message }, request, response: { statusCode: 401 } }`. The message names no
 * user and no token.
 * @public
 */
export class SpectroCloudSessionRequiredError extends Error {
  /** The response header of the signal, value `true`. */
  static readonly headerName = 'X-SpectroCloud-ReAuth-Required';
  /** HTTP status of the answer: always 401. */
  readonly statusCode = 401;

  constructor(
    message = 'No SpectroCloud Palette session is active for this user: sign in again',
  ) {
    super(message);
    this.name = 'SpectroCloudSessionRequiredError';
  }
}

/**
 * The Palette session token of the user who made `req`, like `getSessionTokenForRequest`, but
 * when there is none it sets `X-SpectroCloud-ReAuth-Required: true` on `res` and throws
 * {@link SpectroCloudSessionRequiredError} (401), which the plugin's router passes to Backstage's
 * error handler. The frontend's `withSessionRecovery` then renews the session silently, retries
 * once, and only then asks the user to sign in.
 *
 * @example
 * ```ts
 * router.get('/clusters', async (req, res) => {
 *   const { entry } = await requireSessionTokenForRequest(req, res, { httpAuth, tokenCache });
 *   // fetch(`${apiUrl}/v1/...`, { headers: { Authorization: entry.token } })
 * });
 * ```
 * @param req - the incoming express request
 * @param res - its response (only a header is set, and only when no session is found)
 * @param deps - `httpAuth` (`coreServices.httpAuth`) and `tokenCache`
 *   (`spectroCloudTokenCacheServiceRef`)
 * @returns `{ userEntityRef, entry }` with `entry.expiresAt` in epoch SECONDS
 * @throws SpectroCloudSessionRequiredError (401) when the user has no live, unexpired Palette
 *   session token (or the shared store is down)
 * @throws the `AuthenticationError` (401) or `NotAllowedError` (403) of `httpAuth.credentials`
 *   when the request carries no valid user credentials (no re-auth header: a Backstage sign-in,
 *   not a Palette one, is missing)
 * @public
 */
export async function requireSessionTokenForRequest(
  req: Parameters<HttpAuthService['credentials']>[0],
  res: { setHeader(name: string, value: string): unknown },
  deps: {
    httpAuth: HttpAuthService;
    tokenCache: Pick<SpectroCloudTokenCache, 'getSessionTokenForUser'>;
  },
): Promise<UserSessionToken & { entry: SessionTokenEntry }> {
  const { userEntityRef, entry } = await getSessionTokenForRequest(req, deps);
  if (!entry) {
    res.setHeader(SpectroCloudSessionRequiredError.headerName, 'true');
    throw new SpectroCloudSessionRequiredError();
  }
  return { userEntityRef, entry };
}
