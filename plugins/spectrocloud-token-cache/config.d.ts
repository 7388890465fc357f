export interface Config {
  spectrocloud?: {
    /** Limits of the in-process SpectroCloud session token cache. */
    tokenCache?: {
      /** Most session tokens held per backend process (least recently used evicted). Default 10000. */
      maxEntries?: number;
      /** How often expired tokens are swept, in seconds. Default 60. */
      sweepIntervalSeconds?: number;
    };
  };
}
