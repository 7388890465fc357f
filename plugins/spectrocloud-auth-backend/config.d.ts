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
           * `<issuer>/.well-known/openid-configuration`.
           * @visibility backend
           */
          metadataUrl?: string;
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
           * Timeout of each outbound HTTP call to Palette (discovery, token endpoint, JWKS): a
           * number of milliseconds, a duration string (`'5s'`, ISO 8601 `'PT5S'`) or an object
           * (`{ seconds: 5 }`). Default: 10 seconds.
           * @visibility backend
           */
          timeout?:
            | number
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
           * Backstage: lifetime of the refresh cookie (Backstage's default: 1000 days). The
           * session itself ends when the Palette session token expires.
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
