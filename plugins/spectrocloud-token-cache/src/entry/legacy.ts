/**
 * Compatibility with the 0.8 auth module (`@terasky/backstage-plugin-spectrocloud-auth-backend`
 * 0.8.x) and the plugins written against it: the process-wide map
 * `global.__SPECTROCLOUD_TOKEN_CACHE__` and synchronous, email-keyed seed functions. The map is
 * filled only with `spectrocloud.tokenCache.legacyGlobalMap: true` (off by default: plugins that
 * take the email from a request header would hand any user another user's token); with it, add
 * `spectroCloudVerifiedEmailHeaderModule`.
 *
 * @deprecated Use `spectroCloudTokenCacheServiceRef` and `getSessionTokenForRequest` from the
 * package root: they are bound to the authenticated Backstage identity and work across backend
 * instances; the entries here are keyed by an email the caller passes, and live in one process.
 * This entry point will be removed in a later minor release.
 *
 * @packageDocumentation
 */

export { GLOBAL_TOKEN_CACHE_KEY, getGlobalTokenMap } from '../globalTokenMap';
export {
  storeSessionToken,
  getSessionTokenByEmail,
  deleteSessionToken,
  getProcessTokenStore,
  setProcessTokenStore,
} from '../seedApi';
export { InProcessTokenStore } from '../InProcessTokenStore';
export type { InProcessTokenStoreOptions } from '../InProcessTokenStore';
export { spectroCloudVerifiedEmailHeaderModule } from '../verifiedEmailHeaderModule';
