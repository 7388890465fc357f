import type { SignIdTokenOptions } from './keys';
import type { DemoUser } from './users';

/**
 * How the mock hands the Palette session token to the client after the
 * authorization code flow (Palette versions differ, see
 * /work/shared/notes/palette.md):
 * - `refresh_token`: as `refresh_token` in the token response (default);
 * - `code`: the authorization code itself is the session token;
 * - `none`: not at all.
 */
export type SessionTokenDelivery = 'refresh_token' | 'code' | 'none';

/** The RSA JWS algorithms the mock can sign ID tokens with. */
export type RsaSigningAlg =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512';

/**
 * A failure the discovery or JWKS endpoint simulates (fault switch):
 * - `none`: answers normally (default);
 * - `unavailable`: HTTP 503 with an HTML body;
 * - `notJson`: HTTP 200 with an HTML body;
 * - `hang`: never answers (the connection is dropped by `close()`).
 */
export type MockEndpointFault = 'none' | 'unavailable' | 'notJson' | 'hang';

/** Behaviour that tests may change between requests (read per request). */
export interface MockPaletteSettings {
  sessionTokenDelivery: SessionTokenDelivery;
  /** Lifetime of issued session tokens, in seconds (Palette: 900). */
  sessionTokenLifetimeSeconds: number;
  /** Lifetime of issued ID tokens (and `expires_in`), in seconds. */
  idTokenLifetimeSeconds: number;
  /**
   * Fault switch: the `issuer` the discovery document names. Default
   * `undefined`: the mock's real issuer.
   */
  discoveryIssuer?: string;
  /** Fault switch of `GET {issuer}/.well-known/openid-configuration`; default `none`. */
  discoveryFault: MockEndpointFault;
  /** Fault switch of `GET {issuer}/.well-known/jwks.json`; default `none`. */
  jwksFault: MockEndpointFault;
  /**
   * Fault switch of `GET /v1/auth/refresh/:token`: a {@link MockEndpointFault}
   * or `reject` (401 `InvalidToken` even for a valid token); default `none`.
   * Calls are counted in every case.
   */
  refreshFault: MockEndpointFault | 'reject';
  /**
   * JWS algorithm of the ID tokens the token endpoint issues and the `alg`
   * the JWKS declares for the key (the same RSA key): `RS256` (default),
   * `RS384`, `RS512`, `PS256`, `PS384` or `PS512`. `signIdToken` defaults to
   * it too.
   */
  idTokenSigningAlg: RsaSigningAlg;
  /**
   * Fault switch: publish the JWKS without `kid` members and sign ID tokens
   * without a `kid` header (token endpoint, and `signIdToken` unless told
   * otherwise). Default `false`.
   */
  omitKeyId: boolean;
  /**
   * Accept the standard `refresh_token` grant at `POST {issuer}/token`, with the session token
   * (the `refresh_token` of the code exchange) as refresh token: answers a new ID token (no nonce)
   * and access token, and no new refresh token. Real Palette has no such grant (see
   * docs/design.md); the benchmark turns it on for Backstage's official OIDC module. Default
   * `false` (`unsupported_grant_type`).
   */
  refreshTokenGrant: boolean;
}

/**
 * Number of requests received per endpoint since start or the last
 * `resetCalls()`, rejected requests included.
 */
export interface MockPaletteCalls {
  /** `POST {issuer}/token` */
  token: number;
  /** `GET /v1/auth/refresh/:token` */
  refresh: number;
  /** `GET /v1/users/me` */
  usersMe: number;
  /** `GET /v1/projects` */
  projects: number;
  /** `GET {issuer}/.well-known/openid-configuration` */
  discovery: number;
  /** `GET {issuer}/.well-known/jwks.json` */
  jwks: number;
  /** `GET {issuer}/userinfo` */
  userinfo: number;
}

/**
 * One request the mock received on its REST API (`/v1/...`, OIDC routes and
 * `GET /v1/auth/refresh/:token` excepted), answered or not: what a test
 * asserts on to see which credentials a Palette client sent.
 */
export interface MockPaletteApiRequest {
  method: string;
  /** Path without query, e.g. `/v1/users/me`. */
  path: string;
  /** The `Authorization` header as received (a session token), if any. */
  authorization?: string;
  /** The `ApiKey` header as received (a Palette API key), if any. */
  apiKey?: string;
}

/** Options of `startMockPalette`; all optional. */
export interface MockPaletteOptions {
  /** TCP port; default 7011, `0` picks a random free port. */
  port?: number;
  /** Tenant id in the issuer path and session tokens; default `demo-tenant`. */
  tenant?: string;
  /** The one OAuth client the mock knows; default `backstage-demo`. */
  clientId?: string;
  /** Its secret; default `backstage-demo-secret` (a demo value, not a secret). */
  clientSecret?: string;
  /** Seconds; default 900. */
  sessionTokenLifetimeSeconds?: number;
  /** Seconds; default 3600. */
  idTokenLifetimeSeconds?: number;
  /** Default `refresh_token`. */
  sessionTokenDelivery?: SessionTokenDelivery;
  /** Users shown on the login page and known to the API; default `demoUsers`. */
  users?: DemoUser[];
  /** Host name used in `url` and the issuer; default `localhost`. */
  publicHost?: string;
  /** See {@link MockPaletteSettings.refreshTokenGrant}; default `false`. */
  refreshTokenGrant?: boolean;
}

/** Parameters of `MockPalette.authorize`. */
export interface MockAuthorizeParams {
  /** Email of the user who "clicks" approve (must be one of the users). */
  email: string;
  redirectUri: string;
  state: string;
  nonce?: string;
  codeChallenge?: string;
  /** Must be `S256` when `codeChallenge` is given (defaults to it). */
  codeChallengeMethod?: string;
  /** Default `openid profile email`. */
  scope?: string;
  /** Default: the mock's client id. */
  clientId?: string;
}

/** A running mock Palette tenant. */
export interface MockPalette {
  /** Base URL, e.g. `http://localhost:7011` (no trailing slash). */
  url: string;
  /** `${url}/v1/oidc/tenant/${tenant}` */
  issuer: string;
  /** `${issuer}/auth` */
  authorizationUrl: string;
  /** `${issuer}/token` */
  tokenUrl: string;
  /** `${issuer}/.well-known/jwks.json` */
  jwksUri: string;
  clientId: string;
  clientSecret: string;
  /** Live settings; changes apply to the next request. */
  settings: MockPaletteSettings;
  /** Live request counters. */
  calls: MockPaletteCalls;
  /**
   * The REST API requests received since start or the last `resetCalls()`,
   * oldest first (the latest 1000).
   */
  apiRequests: MockPaletteApiRequest[];
  /** Sets every counter in `calls` back to 0 and empties `apiRequests`. */
  resetCalls(): void;
  /**
   * Signs exactly `claims` (nothing is added) as a JWT with the mock's ID
   * token key, `alg` = `settings.idTokenSigningAlg` (default RS256) and the
   * key's `kid` (none with `settings.omitKeyId`), or as `options` say
   * (foreign key, other `alg`, other or no `kid`). For tests of ID token
   * validation.
   */
  signIdToken(
    claims: Record<string, unknown>,
    options?: SignIdTokenOptions,
  ): Promise<string>;
  /**
   * Issues a session token for a known user, valid for `lifetimeSeconds`
   * (default `settings.sessionTokenLifetimeSeconds`; negative gives an
   * expired token). Throws for an unknown email.
   */
  issueSessionToken(email: string, lifetimeSeconds?: number): Promise<string>;
  /**
   * Programmatic version of a user approving the login page: validates the
   * request like `GET {issuer}/auth` does and returns the authorization code
   * (not the redirect). Throws an `Error` on an invalid request or unknown
   * email.
   */
  authorize(params: MockAuthorizeParams): Promise<string>;
  /**
   * Fault switch for key rotation: replaces the ID token signing key with a
   * freshly generated one and returns its `kid`. The JWKS then publishes
   * only the new key, or the new and the previous one with `keepPrevious`.
   */
  rotateSigningKey(options?: { keepPrevious?: boolean }): Promise<string>;
  /** The `kid` of the current ID token signing key. */
  signingKeyId(): string;
  /** Stops the server and drops open connections. Safe to call twice. */
  close(): Promise<void>;
}
