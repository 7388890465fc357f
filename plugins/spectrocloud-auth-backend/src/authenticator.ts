import { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError } from '@backstage/errors';
import {
  createOAuthAuthenticator,
  decodeOAuthState,
  OAuthAuthenticator,
} from '@backstage/plugin-auth-node';
import { jwtDecode } from 'jwt-decode';
import { calculatePKCECodeChallenge } from 'oauth4webapi';
import {
  normalizeScope,
  readSpectroCloudProviderSettings,
  SpectroCloudProviderSettings,
} from './config';
import { readAuthorizationResponse } from './authorizationResponse';
import { toAuthenticationError } from './errors';
import {
  deriveFlowKeys,
  deriveOidcNonce,
  derivePkceVerifier,
  FlowKeys,
} from './flowKeys';
import { verifyIdToken } from './idToken';
import { PaletteClientProvider } from './paletteClient';
import { exchangeAuthorizationCode } from './tokenExchange';
import {
  profileFromClaims,
  SpectroCloudProfile,
  toProfileInfo,
} from './profile';
import { CallbackReplayGuard, createMemoryReplayGuard } from './replayGuard';
import { SealedSessionContent, unsealSession } from './sealedSession';
import { buildAuthenticatorResult, nowInSeconds } from './session';
import { createSessionRenewer, SessionRenewer } from './sessionRenewal';
import {
  findPaletteSessionToken,
  PaletteSessionToken,
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
  replayGuard: CallbackReplayGuard;
}

/** Options of {@link createSpectroCloudAuthenticator}. */
export interface SpectroCloudAuthenticatorOptions {
  /** Receives warnings (never with tokens or personal data). */
  logger?: LoggerService;
  /**
   * Where used flows are remembered to refuse replayed callbacks. Default: in this process only
   * (one guard per auth environment).
   */
  replayGuard?: CallbackReplayGuard;
  /**
   * Finds and renews the Palette session token on refresh. Default: one without a token cache
   * (renews from the sealed refresh cookie only).
   */
  sessionRenewer?: SessionRenewer;
  /**
   * Called when the refresh of a genuine session (sealed by this backend, possibly expired) fails,
   * before the 401 is sent, with the session's email: clears the cookie and cache entry.
   */
  onSessionEnded?: (email: string) => Promise<void>;
}

/**
 * The parameters of the authorization response: the query of a GET callback, the form body of a
 * POST one (`response_mode=form_post`); only string values are kept.
 */
function callbackParams(req: {
  method?: string;
  query?: unknown;
  body?: unknown;
}): Record<string, string> {
  const source = req.method === 'POST' ? req.body : req.query;
  const params: Record<string, string> = {};
  if (source && typeof source === 'object') {
    for (const [key, value] of Object.entries(source)) {
      if (typeof value === 'string') params[key] = value;
    }
  }
  return params;
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

/** The email of a genuine seal past its expiry, else `undefined` (never throws). */
async function emailOfExpiredSeal(
  refreshToken: string,
  ctx: SpectroCloudAuthenticatorContext,
): Promise<string | undefined> {
  try {
    const { idToken } = await unsealSession(refreshToken, ctx.keys.sealKey, {
      allowExpired: true,
    });
    return profileFromClaims(jwtDecode(idToken), ctx.settings).email;
  } catch {
    return undefined;
  }
}

/**
 * Creates the SpectroCloud authenticator (authorization code flow + PKCE S256 + nonce).
 * See {@link spectroCloudAuthenticator} for the behaviour.
 */
export function createSpectroCloudAuthenticator(
  options: SpectroCloudAuthenticatorOptions = {},
): OAuthAuthenticator<SpectroCloudAuthenticatorContext, SpectroCloudProfile> {
  const { logger } = options;
  const sharedGuard = options.replayGuard;
  const renewer =
    options.sessionRenewer ?? createSessionRenewer({ logger: options.logger });

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
        clients: new PaletteClientProvider({ settings, logger }),
        replayGuard: sharedGuard ?? createMemoryReplayGuard(),
      };
    },

    async start(input, ctx) {
      try {
        const { endpoints } = await ctx.clients.getClient();
        const stateNonce = stateNonceOf(input.state);
        const verifier = derivePkceVerifier(ctx.keys, stateNonce);
        // OAuth 2.0 §4.1.1 + OIDC Core §3.1.2.1 + PKCE RFC 7636 §4.3.
        const url = new URL(endpoints.authorizationEndpoint);
        const params: Record<string, string> = {
          client_id: ctx.settings.clientId,
          scope: normalizeScope(ctx.settings.scope, input.scope),
          response_type: 'code',
          redirect_uri: ctx.callbackUrl,
          state: input.state,
          nonce: deriveOidcNonce(ctx.keys, stateNonce),
          code_challenge: await calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          ...(ctx.settings.prompt ? { prompt: ctx.settings.prompt } : {}),
          ...(ctx.settings.maxAgeSeconds === undefined
            ? {}
            : { max_age: String(ctx.settings.maxAgeSeconds) }),
        };
        for (const [key, value] of Object.entries(params)) {
          url.searchParams.set(key, value);
        }
        return { url: url.toString() };
      } catch (error) {
        throw toAuthenticationError(error);
      }
    },

    async authenticate(input, ctx) {
      const { settings } = ctx;
      try {
        const resolved = await ctx.clients.getClient();
        const { jwks } = resolved;
        // Backstage checked the state of the QUERY against the nonce cookie; a POST body may carry
        // another one, which must not choose the PKCE verifier and nonce of this exchange.
        const { code, state } = readAuthorizationResponse(
          callbackParams(input.req),
          {
            queryState: input.req.query?.state,
            issuer: resolved.endpoints.issuer,
            issParameterRequired: resolved.endpoints.issParameterRequired,
          },
        );
        const stateNonce = stateNonceOf(state);
        const nonce = deriveOidcNonce(ctx.keys, stateNonce);
        if (!(await ctx.replayGuard.markUsed(nonce))) {
          throw new AuthenticationError(
            'This authorization response was already used; start the sign-in again',
          );
        }
        const tokenSet = await exchangeAuthorizationCode({
          settings,
          issuer: resolved.endpoints.issuer,
          tokenEndpoint: resolved.endpoints.tokenEndpoint,
          code,
          redirectUri: ctx.callbackUrl,
          codeVerifier: derivePkceVerifier(ctx.keys, stateNonce),
          nonce,
        });
        const { idToken, claims } = tokenSet;
        await verifyIdToken(idToken, claims, jwks, {
          clientId: settings.clientId,
          algorithms: settings.idTokenSigningAlgs,
        });
        const profile = profileFromClaims(claims, settings);
        let sessionToken = findPaletteSessionToken({
          refreshToken: tokenSet.refreshToken,
          code,
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
        throw toAuthenticationError(error);
      }
    },

    async refresh(input, ctx) {
      let email: string | undefined;
      try {
        const content = await openSealedSession(input.refreshToken, ctx);
        // The ID token was verified at sign-in; the AEAD seal protects its integrity since.
        const profile = profileFromClaims(
          jwtDecode<Record<string, unknown>>(content.idToken),
          ctx.settings,
        );
        email = profile.email;
        const idTokenExp = profile.claims.exp;
        if (typeof idTokenExp !== 'number' || idTokenExp <= nowInSeconds()) {
          throw new AuthenticationError(
            'The SpectroCloud ID token has expired; sign in again',
          );
        }
        let sessionToken: PaletteSessionToken | undefined;
        let sealed: string | undefined = input.refreshToken;
        if (content.sessionToken) {
          const sealedToken = readPaletteSessionToken(content.sessionToken);
          if (!sealedToken) {
            throw new AuthenticationError(
              'The SpectroCloud session cookie is invalid; sign in again',
            );
          }
          sessionToken = await renewer.currentSessionToken({
            email: profile.email,
            sealedToken,
            settings: ctx.settings,
          });
          if (sessionToken.token !== content.sessionToken) {
            // Renewed (here or by another tab/instance): Backstage re-sets its refresh cookie.
            sealed = undefined;
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
        try {
          // A genuine but expired seal still names the user whose cookie and cache entry to clear;
          // a forged or tampered cookie names nobody and changes nothing.
          email ??= await emailOfExpiredSeal(input.refreshToken, ctx);
          if (email) {
            await options.onSessionEnded?.(email);
          }
        } catch {
          logger?.warn(
            'SpectroCloud refresh: the ended session could not be cleared from the token cache',
          );
        }
        throw toAuthenticationError(error);
      }
    },
  });
}

/**
 * The SpectroCloud Palette OIDC authenticator, for `createOAuthProviderFactory`.
 *
 * @remarks
 * - `start`: redirects to the configured `authorizationUrl` with `response_type=code`, the
 *   configured `scope`, `state`, an OIDC `nonce`, a PKCE S256 `code_challenge` and (with `maxAge`)
 *   `max_age`. The nonce and the code verifier are derived (HMAC-SHA256 under HKDF keys from the
 *   client secret) from the random nonce in Backstage's `state`: nothing is stored, any backend
 *   instance with the same configuration completes the flow. Refused (AuthenticationError) while
 *   discovery names another issuer, or fails with `discovery: required`.
 * - `authenticate`: checks the authorization response (`state` equal to the query's, RFC 9207
 *   `iss`, `error`, `code`) and that the flow was not used before (replay guard), all before any
 *   token request; oauth4webapi sends the token request (client_secret_basic or
 *   client_secret_post, with the code verifier) through `fetchBounded` (aborted at `timeout`, the
 *   body capped at `maxResponseBytes`) and validates the response and the ID token's claims
 *   (allow-listed algorithm, exact `iss`, `aud`/`azp`, `exp`/`iat`/`nbf` with
 *   `clockToleranceSeconds`, `sub`, `nonce`, `auth_time` with `maxAge`); `verifyIdToken` adds
 *   `azp` with one audience, a non-empty `sub` and the signature via the cached JWKS (a
 *   rate-limited refetch on unknown keys). The profile comes from the verified claims (email from `email` or
 *   `emailClaim`, lower-cased; `email_verified: false` refused unless `allowUnverifiedEmail`).
 *   The session's `accessToken` is the Palette session token (the `refresh_token` when it is an
 *   HS256 JWT, else the authorization code when that is one, else `''`), `idToken` the ID token,
 *   `expiresInSeconds` the seconds until the session token's `exp` (else the ID token's), and
 *   `refreshToken` an encrypted JWE (`dir`, `A256GCM`) holding both tokens that Backstage keeps in
 *   its httpOnly refresh cookie. Rejected after the exchange: a session token whose `email` claim
 *   names another user than the verified ID token.
 * - `refresh`: opens that JWE; the ID token must be unexpired. The Palette session token handed
 *   out is the newest of the token cache entry and the sealed one; while it has more than
 *   `sessionRenewalWindow` (default 300 s) left there is no call to Palette, inside the window it is
 *   renewed with `GET <apiUrl>/v1/auth/refresh/<token>` (one call per token in this process, bounded
 *   by `timeout`) and a new JWE is returned. A rejected renewal (4xx) or an expired token is an
 *   `AuthenticationError` (401); Palette unavailable (5xx, timeout) keeps the still valid token.
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
