/**
 * Server-side cache of SpectroCloud Palette session tokens, shared by the spectrocloud auth
 * module and other backend plugins: an in-process tier and, optionally, an encrypted shared tier
 * on the portal's Backstage cache store.
 *
 * Backend plugins depend on {@link spectroCloudTokenCacheServiceRef} and read the signed-in
 * user's Palette session token with {@link getSessionTokenForRequest}. The building blocks of
 * the auth module are in the `/sessions` and `/outbound` entry points; the compatibility API of
 * the 0.8 auth module (process-wide map, synchronous seed functions) is in `/legacy`.
 *
 * @packageDocumentation
 */

export { spectroCloudTokenCacheServiceRef } from './serviceRef';
export type {
  SessionTokenEntry,
  SpectroCloudTokenCache,
  StoreSessionTokenOptions,
} from './types';
export type {
  SessionRecord,
  SessionTokenRenewal,
  SpectroCloudSessions,
} from './sessions/types';
export { getSessionTokenForRequest } from './getSessionTokenForRequest';
export type { UserSessionToken } from './getSessionTokenForRequest';
export {
  requireSessionTokenForRequest,
  SpectroCloudSessionRequiredError,
} from './sessionRequired';
