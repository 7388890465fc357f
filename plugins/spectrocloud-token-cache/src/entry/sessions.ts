/**
 * The session store behind the token cache, for the SpectroCloud auth module and for tests that
 * build a token cache without a backend. Plugins that only read tokens need the package root.
 *
 * @packageDocumentation
 */

export { SessionStore } from '../sessions/SessionStore';
export { SessionStoreUnavailableError } from '../sessions/types';
export { createMemoryKeyValueStore } from '../sessions/keyValue';
export type { KeyValueStore } from '../sessions/keyValue';
export { DefaultSpectroCloudTokenCache } from '../DefaultSpectroCloudTokenCache';
export { sessionTokenBelongsTo } from '../sessionTokenOwner';
export { normalizeEmail } from '../normalizeEmail';
