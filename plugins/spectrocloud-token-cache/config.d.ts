export interface Config {
  spectrocloud?: {
    /** The SpectroCloud session token cache (see the package README). */
    tokenCache?: {
      /**
       * Most entries of the in-process view (the seed API's map) per backend process, least
       * recently used evicted; in-process session records are bounded to 4x this. Default 10000.
       */
      maxEntries?: number;
      /** How often expired tokens are swept from the in-process view, in seconds. Default 60. */
      sweepIntervalSeconds?: number;
      /**
       * Publishes the in-process view as `globalThis.__SPECTROCLOUD_TOKEN_CACHE__` (a `Map` of
       * email -> `{ token, expiresAt }`) for the published spectrocloud-backend plugin. Any code in
       * the process can then read every user's Palette session token, and that plugin picks the
       * token by an email header its caller sends: see the package README before turning it on.
       * Logs one warning at startup when on. Default `false`.
       */
      legacyGlobalMap?: boolean;
      /**
       * Keeps the session records (one per sign-in), encrypted, in the store configured under
       * `backend.cache` (`store: redis | valkey | memcache | memory ...`) instead of the process:
       * every backend instance refreshes, renews and ends the same sessions, and they survive
       * restarts. Requires `encryptionKeys` and `keyHashSecret`. Default `false`.
       */
      shared?: boolean;
      /**
       * AES-256-GCM keys of the shared tier: each the base64 encoding of exactly 32 random bytes
       * (`openssl rand -base64 32`). The first encrypts, every one decrypts. To rotate: add the
       * new key second on every instance, then move it first, then remove the old key once the
       * longest token lifetime has passed.
       * @visibility secret
       * @items.visibility secret
       */
      encryptionKeys?: string[];
      /**
       * HMAC-SHA256 key that turns emails and user entity refs into cache keys: the base64
       * encoding of exactly 32 random bytes, different from the encryption keys. Keep it stable:
       * changing it orphans every shared entry (users sign in again).
       * @visibility secret
       */
      keyHashSecret?: string;
      /** Namespace of the shared entries in the cache store. Default `spectrocloud-token-cache`. */
      namespace?: string;
      /**
       * Bound of each call to the shared store: a duration string (`'1s'`, `'500ms'`) or an
       * object (`{ seconds: 1 }`); a bare number is refused (its unit would be ambiguous). Default 1 second.
       */
      sharedTimeout?:
        | string
        | {
            years?: number;
            months?: number;
            weeks?: number;
            days?: number;
            hours?: number;
            minutes?: number;
            seconds?: number;
            milliseconds?: number;
          };
      /**
       * While the shared store is down, how long calls skip it before it is tried again: same
       * forms as `sharedTimeout`. Default 5 seconds.
       */
      sharedRetryInterval?:
        | string
        | {
            years?: number;
            months?: number;
            weeks?: number;
            days?: number;
            hours?: number;
            minutes?: number;
            seconds?: number;
            milliseconds?: number;
          };
    };
  };
}
