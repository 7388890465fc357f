/*
 * The floor of the three-way benchmark: a provider module that does no work at all. `start` still
 * redirects to the OP (Backstage's state and nonce cookie are made as for any provider);
 * `authenticate` and `refresh` return a fixed profile and session without calling anyone, so what
 * is left of a sign-in or refresh is Backstage's own pipeline (state/nonce cookie check, sign-in
 * resolver, Backstage token issuing, refresh cookie, JSON + compression).
 *
 * Fair to the modules it is compared with: its tokens have realistic sizes (an ID token of ~1 KB,
 * a session token of ~300 B, a refresh cookie value like a sealed session id), so response sizes
 * and compression cost the same; its refresh returns no new refresh token, so Backstage does not
 * re-set the refresh cookie (ours hands back the same one, the official module gets none).
 * Provider id `floor`, configured like ours under `auth.providers.floor.<env>` with
 * `clientId`, `authorizationUrl` and `signIn.resolvers`.
 */
import { randomBytes } from 'node:crypto';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  commonSignInResolvers,
  createOAuthAuthenticator,
  createOAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** A JWT-shaped string of `length` characters (random base64url segments): size only. */
function jwtShaped(length: number): string {
  const part = (n: number) =>
    randomBytes(Math.ceil((n * 3) / 4))
      .toString('base64url')
      .slice(0, n);
  const header = part(36);
  const signature = part(Math.min(342, Math.floor(length / 3)));
  return `${header}.${part(
    length - header.length - signature.length - 2,
  )}.${signature}`;
}

/** Sizes of the fixed tokens, in characters. */
export const FLOOR_TOKEN_SIZES = {
  idToken: 1024,
  sessionToken: 300,
  refreshToken: 250,
} as const;

const profile = {
  email: 'alice@example.com',
  displayName: 'Alice Example',
};

/** The floor authenticator: fixed answers, no OP calls after the redirect. */
export const floorAuthenticator = createOAuthAuthenticator<
  { clientId: string; authorizationUrl: string; callbackUrl: string },
  typeof profile
>({
  async defaultProfileTransform(result) {
    return { profile: result.fullProfile };
  },
  initialize({ callbackUrl, config }) {
    return {
      clientId: config.getString('clientId'),
      authorizationUrl: config.getString('authorizationUrl'),
      callbackUrl,
    };
  },
  async start(input, ctx) {
    const url = new URL(ctx.authorizationUrl);
    url.search = new URLSearchParams({
      client_id: ctx.clientId,
      response_type: 'code',
      redirect_uri: ctx.callbackUrl,
      scope: 'openid profile email',
      state: input.state,
    }).toString();
    return { url: url.toString() };
  },
  async authenticate() {
    return { fullProfile: profile, session: { ...session, refreshToken } };
  },
  async refresh() {
    return { fullProfile: profile, session };
  },
});

const idToken = jwtShaped(FLOOR_TOKEN_SIZES.idToken);
const session = {
  accessToken: jwtShaped(FLOOR_TOKEN_SIZES.sessionToken),
  tokenType: 'Bearer',
  idToken,
  scope: 'openid profile email',
  expiresInSeconds: 3600,
};
const refreshToken = jwtShaped(FLOOR_TOKEN_SIZES.refreshToken);

/** Backend module registering the `floor` provider. */
export const authModuleFloorProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'floor-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'floor',
          factory: createOAuthProviderFactory({
            authenticator: floorAuthenticator,
            signInResolverFactories: { ...commonSignInResolvers },
          }),
        });
      },
    });
  },
});
