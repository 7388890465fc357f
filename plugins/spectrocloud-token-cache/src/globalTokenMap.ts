import { SessionTokenEntry } from './types';

/**
 * The name of the process-wide compatibility map on `globalThis`.
 *
 * @remarks
 * The published `@terasky/backstage-plugin-spectrocloud-backend` (0.10.0) reads
 * `globalThis.__SPECTROCLOUD_TOKEN_CACHE__` as a `Map<email, { token, expiresAt }>` (`expiresAt`
 * in epoch SECONDS), looking entries up with `map.get(email)` by the email exactly as its caller
 * sent it. The map exists only when `spectrocloud.tokenCache.legacyGlobalMap` is `true` (see the
 * package README for the risk).
 * @public
 */
export const GLOBAL_TOKEN_CACHE_KEY = '__SPECTROCLOUD_TOKEN_CACHE__';

/** Trimmed and lower-cased, like `normalizeEmail`, but never throws (any key may be asked for). */
function emailKey(key: string): string {
  return typeof key === 'string' ? key.trim().toLowerCase() : key;
}

/** Brand of the map, shared by every copy of this package loaded in the process. */
const EMAIL_KEYED = Symbol.for(
  '@terasky/spectrocloud-token-cache/email-keyed-map',
);

/**
 * A `Map` whose string keys are compared as emails (trimmed, case-insensitive), so that a reader
 * that looks up `Alice@Example.com` (the address as Palette spelled it in the ID token) finds the
 * entry this package stored under `alice@example.com`. Still `instanceof Map`.
 */
class EmailKeyedMap extends Map<string, SessionTokenEntry> {
  readonly [EMAIL_KEYED] = true;
  get(key: string): SessionTokenEntry | undefined {
    return super.get(emailKey(key));
  }
  has(key: string): boolean {
    return super.has(emailKey(key));
  }
  delete(key: string): boolean {
    return super.delete(emailKey(key));
  }
  set(key: string, value: SessionTokenEntry): this {
    return super.set(emailKey(key), value);
  }
}

/**
 * Returns the process-wide compatibility `Map<normalisedEmail, SessionTokenEntry>` published at
 * `globalThis.__SPECTROCLOUD_TOKEN_CACHE__`, creating it on first use. Every copy of this package
 * loaded in the process shares it. Lookups are case-insensitive and ignore surrounding spaces
 * (`get('Alice@Example.com')` finds `alice@example.com`); a plain `Map` found there (made by
 * another library) is replaced by such a map holding its entries.
 *
 * @remarks
 * Calling this creates the global map. The token cache writes to it only when
 * `spectrocloud.tokenCache.legacyGlobalMap` is `true`.
 * @public
 */
export function getGlobalTokenMap(): Map<string, SessionTokenEntry> {
  const holder = globalThis as unknown as Record<
    string,
    Map<string, SessionTokenEntry> | undefined
  >;
  const existing = holder[GLOBAL_TOKEN_CACHE_KEY];
  if (existing instanceof Map && (existing as any)[EMAIL_KEYED] === true) {
    return existing;
  }
  const map = new EmailKeyedMap();
  if (existing instanceof Map) {
    existing.forEach((value, key) => map.set(key, value));
  }
  holder[GLOBAL_TOKEN_CACHE_KEY] = map;
  return map;
}
