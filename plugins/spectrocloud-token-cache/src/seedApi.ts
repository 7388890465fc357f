import { InProcessTokenStore } from './InProcessTokenStore';

const STORE_KEY = Symbol.for(
  '@terasky/spectrocloud-token-cache/in-process-store',
);

/**
 * The process-wide {@link InProcessTokenStore} behind the synchronous seed API and the default
 * service. One per process, even when several copies of this package are loaded.
 * @public
 */
export function getProcessTokenStore(): InProcessTokenStore {
  const holder = globalThis as unknown as Record<
    symbol,
    InProcessTokenStore | undefined
  >;
  let store = holder[STORE_KEY];
  if (!store) {
    store = new InProcessTokenStore();
    holder[STORE_KEY] = store;
  }
  return store;
}

/**
 * Replaces the process-wide store, e.g. to apply configured limits. The old store's timer stops;
 * its entries stay visible only when both stores use the global map (`legacyGlobalMap: true`).
 * @public
 */
export function setProcessTokenStore(store: InProcessTokenStore): void {
  const holder = globalThis as unknown as Record<
    symbol,
    InProcessTokenStore | undefined
  >;
  const previous = holder[STORE_KEY];
  if (previous && previous !== store) {
    previous.close();
  }
  holder[STORE_KEY] = store;
}

/**
 * Stores the Palette session token of a user (seed API, synchronous, IN-PROCESS TIER ONLY: it
 * never writes the shared tier, so other backend instances do not see this token; the service's
 * `storeSessionToken` writes both tiers).
 *
 * @param email - the user's email; normalised (trimmed, lower-cased)
 * @param token - the HS256 Palette session token
 * @param expiresAt - expiry in epoch SECONDS (the token's `exp` claim); a past value stores nothing
 * @throws TypeError on an empty email or token, or a non-finite `expiresAt`
 * @public
 */
export function storeSessionToken(
  email: string,
  token: string,
  expiresAt: number,
): void {
  getProcessTokenStore().set(email, token, expiresAt);
}

/**
 * The unexpired Palette session token stored for `email`, or `undefined` (seed API, synchronous,
 * IN-PROCESS TIER ONLY: it never consults the shared tier, so a token stored by another backend
 * instance is found only after this process read it through the service). An expired entry is
 * removed on read.
 *
 * @remarks
 * Only call this with an email taken from a verified identity. Backend plugins should prefer
 * `SpectroCloudTokenCache.getSessionTokenForUser` with the caller's user entity ref.
 * @param email - the user's email, any case
 * @throws TypeError on an empty email
 * @public
 */
export function getSessionTokenByEmail(email: string): string | undefined {
  return getProcessTokenStore().get(email)?.token;
}

/**
 * Removes the Palette session token of `email` from the in-process tier (seed API, synchronous;
 * the shared tier keeps its copy until it expires: use the service's `deleteSessionToken`).
 * @throws TypeError on an empty email
 * @public
 */
export function deleteSessionToken(email: string): void {
  getProcessTokenStore().delete(email);
}
