/** Where the mock Kubernetes API gets its trust in ID tokens from. */
export interface MockKubernetesIssuer {
  /** The OIDC issuer, e.g. `http://localhost:7011/v1/oidc/tenant/demo-tenant`. */
  issuer: string;
  /** Its JWKS URL, e.g. `${issuer}/.well-known/jwks.json`. */
  jwksUri: string;
  /** The OAuth client id ID tokens must name in `aud`, e.g. `backstage-demo`. */
  clientId: string;
}

/**
 * Options of `startMockKubernetes`. Give either `palette` (a running mock
 * Palette, or anything with its `issuer`, `jwksUri` and `clientId`) or
 * `issuer` (then `jwksUri` defaults to `${issuer}/.well-known/jwks.json` and
 * `audience` to `backstage-demo`); explicit fields win over `palette`.
 */
export interface MockKubernetesOptions {
  /** TCP port; default 7012, `0` picks a random free port. */
  port?: number;
  /** Trust the ID tokens of this mock Palette tenant. */
  palette?: MockKubernetesIssuer;
  /** Required `iss` of ID tokens. */
  issuer?: string;
  /** JWKS URL the signing keys are fetched from (jose `createRemoteJWKSet`). */
  jwksUri?: string;
  /** Required `aud` of ID tokens (the OAuth client id). */
  audience?: string;
  /** Time limit of one JWKS fetch, in milliseconds; default 5000. */
  jwksTimeoutMs?: number;
  /** Host name used in `url`; default `localhost`. */
  publicHost?: string;
}

/**
 * Number of API requests (not `/healthz`) since start or the last
 * `resetCalls()`.
 */
export interface MockKubernetesCalls {
  /** Requests whose bearer ID token was accepted (whatever the answer). */
  authenticated: number;
  /** Requests answered 401 because the bearer ID token was missing or invalid. */
  rejected: number;
}

/** A running mock Kubernetes API server. */
export interface MockKubernetes {
  /** Base URL, e.g. `http://localhost:7012` (no trailing slash). */
  url: string;
  /** The `iss` ID tokens must have. */
  issuer: string;
  /** The `aud` ID tokens must have. */
  audience: string;
  /** The JWKS URL keys are fetched from. */
  jwksUri: string;
  /** Live request counters. */
  calls: MockKubernetesCalls;
  /**
   * Why each rejected request was rejected, oldest first (at most the last
   * 100): `missing-bearer-token`, or the jose error code (e.g.
   * `ERR_JWT_EXPIRED`, `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`,
   * `ERR_JWT_CLAIM_VALIDATION_FAILED`, `ERR_JOSE_ALG_NOT_ALLOWED`). Never the
   * token.
   */
  rejections: string[];
  /** Sets the counters back to 0 and empties `rejections`. */
  resetCalls(): void;
  /** Stops the server and drops open connections. Safe to call twice. */
  close(): Promise<void>;
}
