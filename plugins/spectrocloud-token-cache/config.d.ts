export interface Config {
  spectrocloud?: {
    /** The SpectroCloud session token cache (see the package README). */
    tokenCache?: {
      /** Most session tokens held per backend process (least recently used evicted). Default 10000. */
      maxEntries?: number;
      /** How often expired tokens are swept from the in-process tier, in seconds. Default 60. */
      sweepIntervalSeconds?: number;
      /**
       * Turns on the shared tier: tokens are also kept, encrypted, in the store configured under
       * `backend.cache` (`store: redis | valkey | memcache | memory ...`), so every backend
       * instance sees every signed-in user's token and tokens survive restarts. Requires
       * `encryptionKeys` and `keyHashSecret`. Default `false`.
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
