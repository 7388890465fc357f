export interface Config {
  auth?: {
    providers?: {
      /**
       * SpectroCloud Palette sign-in (OpenID Connect), one block per auth environment
       * (the value of `auth.environment`, e.g. `development`).
       * @visibility frontend
       */
      spectrocloud?: {
        [authEnv: string]: {
          /**
           * OAuth client id registered at Palette.
           * @visibility backend
           */
          clientId: string;
          /**
           * OAuth client secret registered at Palette. Also the root of the keys that derive the
           * PKCE code verifier and OIDC nonce and seal the refresh cookie: rotating it ends all
           * sessions.
           * @visibility secret
           */
          clientSecret: string;
          /**
           * Palette authorization endpoint, e.g.
           * `https://console.spectrocloud.com/v1/oidc/tenant/<tenantUid>/auth`. When its last path
           * segment is `auth`, the issuer is this URL without that segment.
           * @visibility backend
           */
          authorizationUrl: string;
          /**
           * Token endpoint. Default: the discovery document's `token_endpoint`, else
           * `authorizationUrl` with its last path segment `auth` replaced by `token`.
           * @visibility backend
           */
          tokenUrl?: string;
          /**
           * OpenID Connect discovery document. Default:
           * `<issuer>/.well-known/openid-configuration`. A URL of that form implies its issuer.
           * @visibility backend
           */
          metadataUrl?: string;
          /**
           * The expected issuer, compared EXACTLY (no case folding, no trailing-slash tolerance)
           * with the discovery document's `issuer`, the ID token's `iss` and an `iss` parameter of
           * the authorization response. Default: implied by `metadataUrl`, else `authorizationUrl`
           * without its final `auth` segment.
           * @visibility backend
           */
          issuer?: string;
          /**
           * How OIDC discovery is used: `auto` (default: use it when it answers, else derived
           * endpoints, retried after 60 s), `required` (refuse sign-in while it fails) or `off`
           * (never fetch it). A discovery document naming another issuer refuses sign-in in every
           * mode.
           * @visibility backend
           */
          discovery?: 'auto' | 'required' | 'off';
          /**
           * JWKS URL of the ID token signing keys. Default: the discovery document's `jwks_uri`,
           * else `<issuer>/.well-known/jwks.json`.
           * @visibility backend
           */
          jwksUrl?: string;
          /**
           * JWS algorithms accepted for the ID token signature. Default: `['RS256']`. Allowed:
           * RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA; `none` and the
           * HMAC algorithms are refused at startup.
           * @visibility backend
           */
          idTokenSigningAlgs?: string[];
          /**
           * Clock tolerance for the ID token's `exp`, `nbf` and `auth_time`, in SECONDS (0-300).
           * Default: 5.
           * @visibility backend
           */
          clockToleranceSeconds?: number;
          /**
           * OIDC `max_age`: sent with every authorization request, and the ID token's `auth_time`
           * is then required and must be no older. A duration (`'15m'`,
           * `{ minutes: 15 }`, `'0s'` forces a fresh login); a bare number is refused. Default: not sent.
           * @visibility backend
           */
          maxAge?:
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
           * The ID token claim holding the user's email address (opt-in mapping, e.g.
           * `preferred_username`); its value must be an email address. Default: `email`.
           * @visibility backend
           */
          emailClaim?: string;
          /**
           * Accept ID tokens that say `email_verified: false`. Default: `false` (refused).
           * @visibility backend
           */
          allowUnverifiedEmail?: boolean;
          /**
           * Space-separated scope; `openid` is always added. Default: `openid profile email`.
           * @visibility backend
           */
          scope?: string;
          /**
           * OIDC `prompt` parameter sent to Palette (e.g. `login`); omitted by default.
           * @visibility backend
           */
          prompt?: string;
          /**
           * Deadline of each outbound HTTP call to Palette (discovery, token endpoint, JWKS, session
           * renewal; headers and body): the request is aborted when it passes. A duration string
           * (`'5s'`, `'500ms'`, ISO 8601 `'PT5S'`) or an object (`{ seconds: 5 }`); a bare number is
           * refused (its unit would be ambiguous). Default: 10 seconds.
           * @visibility backend
           */
          timeout?:
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
           * Largest accepted body of each outbound response from Palette (discovery, token
           * endpoint, JWKS, session renewal), in BYTES: the request is aborted as soon as the body
           * exceeds it, and the sign-in or refresh fails with an error naming the endpoint and the
           * limit. Default: 1048576 (1 MiB).
           * @visibility backend
           */
          maxResponseBytes?: number;
          /**
           * Base URL of the Palette REST API; the session token is renewed with
           * `GET <apiUrl>/v1/auth/refresh/<token>`. Default: the origin of `authorizationUrl`.
           * @visibility backend
           */
          apiUrl?: string;
          /**
           * Renewal window: a refresh renews the Palette session token at Palette only when it
           * has this much time left or less; before that, refresh makes no call to Palette. A
           * duration (`'5m'`, `'PT5M'`, `{ minutes: 5 }`; a bare number is refused); at least 180
           * seconds (the frontend refreshes 180 s before expiry). Default: 5 minutes.
           * @visibility backend
           */
          sessionRenewalWindow?:
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
           * Palette logout URL returned by `POST /api/auth/spectrocloud/logout` as
           * `{ "logoutUrl": "..." }` so the browser can end the Palette session too (Backstage
           * returns it only when it is https or on localhost). Default: none.
           * @visibility backend
           */
          logoutUrl?: string;
          /**
           * Client authentication at the token endpoint. Default: `client_secret_basic`.
           * @visibility backend
           */
          tokenEndpointAuthMethod?:
            | 'client_secret_basic'
            | 'client_secret_post';
          /**
           * Backstage: the callback URL registered at Palette. Default:
           * `<backend.baseUrl>/api/auth/spectrocloud/handler/frame`.
           * @visibility backend
           */
          callbackUrl?: string;
          /**
           * Absolute lifetime of a session (default `12h`, at least one minute): the session
           * record ends then, whatever renewals happened, and the refresh cookie has this Max-Age.
           * @visibility backend
           */
          sessionDuration?:
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
           * Backstage: sign-in resolvers tried in order; available names:
           * `emailMatchingUserEntityProfileEmail`, `emailLocalPartMatchingUserEntityName`.
           * @visibility backend
           */
          signIn?: {
            resolvers: Array<{
              /** Resolver name. */
              resolver: string;
              /** Only accept emails of these domains. */
              allowedDomains?: string[];
              /** Sign users in even when no User entity matches (not recommended). */
              dangerouslyAllowSignInWithoutUserInCatalog?: boolean;
            }>;
          };
        };
      };
    };
  };
}
