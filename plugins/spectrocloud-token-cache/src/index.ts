/**
 * Server-side cache of SpectroCloud Palette session tokens, shared by the spectrocloud auth
 * module and other backend plugins: an in-process tier and, optionally, an encrypted shared tier
 * on the portal's Backstage cache store.
 *
 * @packageDocumentation
 */

export { normalizeEmail } from './normalizeEmail';
export { sessionTokenBelongsTo } from './sessionTokenOwner';
export type {
  SessionTokenEntry,
  SpectroCloudTokenCache,
  StoreSessionTokenOptions,
} from './types';
export { GLOBAL_TOKEN_CACHE_KEY, getGlobalTokenMap } from './globalTokenMap';
export {
  InProcessTokenStore,
  DEFAULT_MAX_ENTRIES,
  DEFAULT_SWEEP_INTERVAL_MS,
} from './InProcessTokenStore';
export type { InProcessTokenStoreOptions } from './InProcessTokenStore';
export {
  storeSessionToken,
  getSessionTokenByEmail,
  deleteSessionToken,
  getProcessTokenStore,
  setProcessTokenStore,
} from './seedApi';
export { DefaultSpectroCloudTokenCache } from './DefaultSpectroCloudTokenCache';
export { SessionStoreUnavailableError } from './sessions/types';
export type {
  SessionRecord,
  SessionTokenRenewal,
  SpectroCloudSessions,
} from './sessions/types';
export { SessionStore } from './sessions/SessionStore';
export { createMemoryKeyValueStore } from './sessions/keyValue';
export type { KeyValueStore } from './sessions/keyValue';
export type { SharedCacheConnection } from './shared/ResilientSharedCache';
export { getSessionTokenForRequest } from './getSessionTokenForRequest';
export type { UserSessionToken } from './getSessionTokenForRequest';
export {
  requireSessionTokenForRequest,
  SpectroCloudSessionRequiredError,
} from './sessionRequired';
export { spectroCloudVerifiedEmailHeaderModule } from './verifiedEmailHeaderModule';
export { spectroCloudTokenCacheServiceRef } from './serviceRef';
export { withDeadline } from './outbound/deadline';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  fetchBounded,
  fetchJsonBounded,
  OutboundRequestError,
} from './outbound/fetchBounded';
export type { OutboundFailure, OutboundLimits } from './outbound/fetchBounded';
export { readDurationMs } from './readDurationMs';
