import { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError } from '@backstage/errors';
import {
  createOAuthAuthenticator,
  decodeOAuthState,
  OAuthAuthenticator,
} from '@backstage/plugin-auth-node';
import { jwtDecode } from 'jwt-decode';
import { generators } from 'openid-client';
import {
  normalizeScope,
  readSpectroCloudProviderSettings,
  SpectroCloudProviderSettings,
} from './config';
import { withDeadline } from './deadline';
import { ErrorContextEndpoints, toAuthenticationError } from './errors';
import {
  deriveFlowKeys,
  deriveOidcNonce,
  derivePkceVerifier,
  FlowKeys,
} from './flowKeys';
import { PaletteClientProvider } from './paletteClient';
import {
  profileFromClaims,
  SpectroCloudProfile,
  toProfileInfo,
} from './profile';
import { SealedSessionContent, unsealSession } from './sealedSession';
import { buildAuthenticatorResult, nowInSeconds } from './session';
import { renewPaletteSessionToken } from './sessionRenewal';
import {
  findPaletteSessionToken,
  readPaletteSessionToken,
  sessionTokenBelongsTo,
} from './sessionToken';

/**
 * Per-environment state of the authenticator (one per `auth.providers.spectrocloud.<env>`).
 * Internal: holds the client secret and derived keys.
 */
export interface SpectroCloudAuthenticatorContext {
  settings: SpectroCloudProviderSettings;
  callbackUrl: string;
  keys: FlowKeys;
  clients: PaletteClientProvider;
}

/** Options of {@link createSpectroCloudAuthenticator}. */
export interface SpectroCloudAuthenticatorOptions {
  /** Receives warnings (never with tokens or personal data). */
  logger?: LoggerService;
}

function stateNonceOf(state: string): string {
  let nonce: unknown;
  try {
    nonce = decodeOAuthState(state).nonce;
  } catch {
    throw new AuthenticationError('The OAuth state is malformed');
  }
  if (typeof nonce !== 'string' || !nonce) {
    throw new AuthenticationError('The OAuth state has no nonce');
  }
  return nonce;
}

/**
 * Opens the sealed refresh token of a session (see `sealSession`).
 * @throws AuthenticationError when it is invalid or expired
 */
export function openSealedSession(
  refreshToken: string,
  ctx: SpectroCloudAuthenticatorContext,
): Promise<SealedSessionContent> {
  return unsealSession(refreshToken, ctx.keys.sealKey);
}

/**
 * Creates the SpectroCloud authenticator (authorization code flow + PKCE S256 + nonce).
 * See {@link spectroCloudAuthenticator} for the behaviour.
 */
export function createSpectroCloudAuthenticator(
  options: SpectroCloudAuthenticatorOptions = {},
): OAuthAuthenticator<SpectroCloudAuthenticatorContext, SpectroCloudProfile> {
  const { logger } = options;

  return createOAuthAuthenticator<
    SpectroCloudAuthenticatorContext,
    SpectroCloudProfile
  >({
    async defaultProfileTransform(result) {
      return { profile: toProfileInfo(result.fullProfile) };
    },

    initialize({ callbackUrl, config }) {
      const settings = readSpectroCloudProviderSettings(config);
      return {
        settings,
        callbackUrl,
        keys: deriveFlowKeys(settings.clientSecret, settings.clientId),
        clients: new PaletteClientProvider({ settings, callbackUrl, logger }),
      };
    },

    async start(input, ctx) {
      try {
        const { client } = await ctx.clients.getClient();
        const stateNonce = stateNonceOf(input.state);
        const verifier = derivePkceVerifier(ctx.keys, stateNonce);
        const url = client.authorizationUrl({
          scope: normalizeScope(ctx.settings.scope, input.scope),
          state: input.state,
          nonce: deriveOidcNonce(ctx.keys, stateNonce),
          code_challenge: generators.codeChallenge(verifier),
          code_challenge_method: 'S256',
          redirect_uri: ctx.callbackUrl,
          ...(ctx.settings.prompt ? { prompt: ctx.settings.prompt } : {}),
        });
        return { url };
      } catch (error) {
        throw toAuthenticationError(error, ctx.settings.timeoutMs);
      }
    },

    async authenticate(input, ctx) {
      const { timeoutMs } = ctx.settings;
      let endpoints: ErrorContextEndpoints | undefined;
      try {
        const resolved = await ctx.clients.getClient();
        endpoints = resolved.endpoints;
        const { client } = resolved;
        const params = client.callbackParams(input.req);
        if (typeof params.state !== 'string' || !params.state) {
          throw new AuthenticationError(
            'The authorization response has no state',
          );
        }
        // Backstage checked the state of the QUERY against the nonce cookie; a POST body may carry
        // another one, which must not choose the PKCE verifier and nonce of this exchange.
        if (params.state !== input.req.query?.state) {
          throw new AuthenticationError(
            'Authorization response validation failed: state mismatch',
          );
        }
        const stateNonce = stateNonceOf(params.state);
        const tokenSet = await withDeadline(
          client.callback(ctx.callbackUrl, params, {
            state: params.state,
            nonce: deriveOidcNonce(ctx.keys, stateNonce),
            code_verifier: derivePkceVerifier(ctx.keys, stateNonce),
            response_type: 'code',
          }),
          // Two bounded requests at most: the token endpoint and (once) the JWKS.
          2 * timeoutMs,
          timeoutMs,
        );
        const idToken = tokenSet.id_token;
        if (!idToken) {
          throw new AuthenticationError(
            'Palette token endpoint returned no ID token',
          );
        }
        const profile = profileFromClaims(tokenSet.claims());
        let sessionToken = findPaletteSessionToken({
          refreshToken: tokenSet.refresh_token,
          code: params.code,
        });
        if (
          sessionToken &&
          !sessionTokenBelongsTo(sessionToken, profile.email)
        ) {
          throw new AuthenticationError(
            'Palette returned a session token for another user than the ID token',
          );
        }
        if (sessionToken && sessionToken.expiresAt <= nowInSeconds()) {
          logger?.warn(
            'SpectroCloud sign-in: the Palette session token is already expired; continuing without it',
          );
          sessionToken = undefined;
        } else if (!sessionToken) {
          logger?.warn(
            'SpectroCloud sign-in: Palette returned no session token (neither the refresh_token nor the authorization code is an HS256 JWT); Palette API calls will not work for this session',
          );
        }
        return await buildAuthenticatorResult({
          profile,
          idToken,
          sessionToken,
          scope: tokenSet.scope ?? ctx.settings.scope,
          sealKey: ctx.keys.sealKey,
        });
      } catch (error) {
        throw toAuthenticationError(error, timeoutMs, endpoints);
      }
    },

    async refresh(input, ctx) {
      try {
        const content = await openSealedSession(input.refreshToken, ctx);
        // The ID token was verified at sign-in; the AEAD seal protects its integrity since.
        const profile = profileFromClaims(
          jwtDecode<Record<string, unknown>>(content.idToken),
        );
        const now = nowInSeconds();
        let sessionToken = readPaletteSessionToken(content.sessionToken);
        let sealed: string | undefined = input.refreshToken;
        if (
          content.sessionToken &&
          (!sessionToken || sessionToken.expiresAt <= now)
        ) {
          sessionToken = await renewPaletteSessionToken({
            sessionToken: content.sessionToken,
            settings: ctx.settings,
          });
          if (!sessionToken) {
            throw new AuthenticationError(
              'The Palette session token has expired; sign in again',
            );
          }
          sealed = undefined;
        }
        if (!content.sessionToken) {
          const exp = profile.claims.exp;
          if (typeof exp !== 'number' || exp <= now) {
            throw new AuthenticationError(
              'The SpectroCloud ID token has expired; sign in again',
            );
          }
        }
        return await buildAuthenticatorResult({
          profile,
          idToken: content.idToken,
          sessionToken,
          scope: normalizeScope(ctx.settings.scope, input.scope),
          sealKey: ctx.keys.sealKey,
          sealed,
        });
      } catch (error) {
        throw toAuthenticationError(error, ctx.settings.timeoutMs);
      }
    },
  });
}

/**
 * The SpectroCloud Palette OIDC authenticator, for `createOAuthProviderFactory`.
 *
 * @remarks
 * - `start`: redirects to the configured `authorizationUrl` with `response_type=code`, the
 *   configured `scope`, `state`, an OIDC `nonce` and a PKCE S256 `code_challenge`. The nonce and
 *   the code verifier are derived (HMAC-SHA256 under HKDF keys from the client secret) from the
 *   random nonce in Backstage's `state`: nothing is stored, any backend instance with the same
 *   configuration completes the flow.
 * - `authenticate`: openid-client exchanges the authorization code (client_secret_basic or
 *   client_secret_post, with the code verifier) and validates the RS256 ID token (signature via
 *   the JWKS, iss, aud, azp, exp, iat with 5 s tolerance, nonce). The profile comes from the
 *   verified claims (email lower-cased; required). The session's `accessToken` is the Palette
 *   session token (the `refresh_token` when it is an HS256 JWT, else the authorization code when
 *   that is one, else `''`), `idToken` the ID token, `expiresInSeconds` the seconds until the
 *   session token's `exp` (else the ID token's), and `refreshToken` an encrypted JWE (`dir`,
 *   `A256GCM`) holding both tokens that Backstage keeps in its httpOnly refresh cookie. Rejected
 *   before the exchange: callback parameters whose `state` differs from the query's (the one
 *   Backstage checked against its nonce cookie). Rejected after it: a session token whose `email`
 *   claim names another user than the verified ID token.
 * - `refresh`: opens that JWE and returns the same session while the Palette session token (or
 *   the ID token, without one) is unexpired. No call to Palette.
 *
 * Every failure is an `AuthenticationError` with a fixed message (no tokens, codes, nonces,
 * verifiers, secrets or emails). Without a logger, warnings are dropped: the provider factory of
 * this package passes the module's logger.
 *
 * @public
 */
export const spectroCloudAuthenticator: OAuthAuthenticator<
  unknown,
  SpectroCloudProfile
> = createSpectroCloudAuthenticator();
