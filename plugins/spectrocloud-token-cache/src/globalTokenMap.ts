import { SessionTokenEntry } from './types';

/**
 * The name of the process-wide compatibility map on `globalThis`.
 *
 * @remarks
 * The already-published spectrocloud-backend plugin reads
 * `globalThis.__SPECTROCLOUD_TOKEN_CACHE__` as a `Map<email, { token, expiresAt }>` with
 * `expiresAt` in epoch seconds. Keys here are normalised (lower-cased) emails.
 * @public
 */
export const GLOBAL_TOKEN_CACHE_KEY = '__SPECTROCLOUD_TOKEN_CACHE__';

/**
 * Returns the process-wide `Map<normalisedEmail, SessionTokenEntry>`, creating it on first use.
 * Every copy of this package loaded in the process shares it.
 * @public
 */
export function getGlobalTokenMap(): Map<string, SessionTokenEntry> {
  const holder = globalThis as unknown as Record<
    string,
    Map<string, SessionTokenEntry> | undefined
  >;
  let map = holder[GLOBAL_TOKEN_CACHE_KEY];
  if (!(map instanceof Map)) {
    map = new Map<string, SessionTokenEntry>();
    holder[GLOBAL_TOKEN_CACHE_KEY] = map;
  }
  return map;
}
