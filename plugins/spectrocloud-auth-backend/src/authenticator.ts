import { randomBytes } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  createOAuthAuthenticator,
  decodeOAuthState,
  OAuthAuthenticator,
} from '@backstage/plugin-auth-node';
import { SpectroCloudSessions } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import {
  createMemoryKeyValueStore,
  SessionStore,
  SessionStoreUnavailableError,
} from '@terasky/backstage-plugin-spectrocloud-token-cache/sessions';
import { decodeJwt } from 'jose';
import { calculatePKCECodeChallenge } from 'oauth4webapi';
import {
  normalizeScope,
  readSpectroCloudProviderSettings,
  SpectroCloudProviderSettings,
} from './config';
import { readAuthorizationResponse } from './authorizationResponse';
import { BoundedCache } from './boundedCache';
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
import { sealSession, unsealSession } from './sealedSession';
import {
  buildAuthenticatorResult,
  nowInSeconds,
  SpectroCloudAuthenticatorResult,
} from './session';
import { renewedSessionRecord, SessionEndedError } from './sessionRenewal';
import { findPaletteSessionToken, sessionTokenBelongsTo } from './sessionToken';

/**
 * How long a used sign-in flow is remembered, in MILLISECONDS: longer than Backstage's nonce
 * cookie (10 minutes), after which a callback of that flow is refused anyway.
 */
export const CALLBACK_REPLAY_WINDOW_MS = 15 * 60 * 1000;

/**
 * Per-environment state of the authenticator (one per `auth.providers.spectrocloud.<env>`).
 * Internal: holds the client secret and derived keys.
 */
export interface SpectroCloudAuthenticatorContext {
  settings: SpectroCloudProviderSettings;
  callbackUrl: string;
  keys: FlowKeys;
  clients: PaletteClientProvider;
  sessions: SpectroCloudSessions;
  /** The profile of each ID token a refresh handed out (decoded once, not on every refresh). */
  profiles: BoundedCache<SpectroCloudProfile>;
}

/** Options of {@link createSpectroCloudAuthenticator}. */
export interface SpectroCloudAuthenticatorOptions {
  /** Receives warnings (never with tokens or personal data). */
  logger?: LoggerService;
  /**
   * Where the session records (and the used-flow marks that refuse replayed callbacks) live.
   * Default: in this process only (one store per auth environment).
   */
  sessions?: SpectroCloudSessions;
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
 * The error a sign-in or refresh fails with: a 503-class `ServiceUnavailableError` when the
 * shared session store is down (nothing can be decided without it), else an `AuthenticationError`
 * with a fixed message (see `toAuthenticationError`).
 */
function failure(error: unknown): Error {
  return error instanceof SessionStoreUnavailableError
    ? new ServiceUnavailableError(error.message)
    : toAuthenticationError(error);
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
        clients: new PaletteClientProvider({ settings, logger }),
        sessions:
          options.sessions ??
          new SessionStore({ kv: createMemoryKeyValueStore(100_000) }),
        profiles: new BoundedCache(10_000),
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
        if (
          !(await ctx.sessions.claimOnce(
            `callback:${nonce}`,
            CALLBACK_REPLAY_WINDOW_MS,
          ))
        ) {
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
        const now = nowInSeconds();
        const record = {
          id: randomBytes(32).toString('base64url'),
          email: profile.email,
          idToken,
          idTokenExpiresAt: typeof claims.exp === 'number' ? claims.exp : now,
          ...(sessionToken
            ? {
                sessionToken: {
                  token: sessionToken.token,
                  expiresAt: sessionToken.expiresAt,
                },
              }
            : {}),
          scope: tokenSet.scope ?? ctx.settings.scope,
          createdAt: now,
          expiresAt: now + settings.sessionDurationSeconds,
        };
        await ctx.sessions.create(record);
        return buildAuthenticatorResult({
          profile,
          record: { ...record, state: 'live' },
          sealed: await sealSession(
            record.id,
            ctx.keys.sealKey,
            record.expiresAt,
          ),
        });
      } catch (error) {
        throw failure(error);
      }
    },

    async refresh(input, ctx): Promise<SpectroCloudAuthenticatorResult> {
      let liveSessionId: string | undefined;
      try {
        const sessionId = await unsealSession(
          input.refreshToken,
          ctx.keys.sealKey,
        );
        const record = await ctx.sessions.get(sessionId);
        if (!record || record.state !== 'live') {
          throw new SessionEndedError(
            'The SpectroCloud session has ended; sign in again',
          );
        }
        liveSessionId = sessionId;
        if (record.idTokenExpiresAt <= nowInSeconds()) {
          throw new SessionEndedError(
            'The SpectroCloud ID token has expired; sign in again',
          );
        }
        const current = await renewedSessionRecord(record, {
          sessions: ctx.sessions,
          settings: ctx.settings,
          logger,
        });
        // The ID token was verified at sign-in; the record (encrypted in a shared store) kept it.
        let profile = ctx.profiles.get(current.idToken);
        if (!profile) {
          profile = profileFromClaims(decodeJwt(current.idToken), ctx.settings);
          ctx.profiles.set(current.idToken, profile);
        }
        return buildAuthenticatorResult({
          profile: { ...profile },
          record: {
            ...current,
            scope: normalizeScope(ctx.settings.scope, input.scope),
          },
          sealed: input.refreshToken,
        });
      } catch (error) {
        if (liveSessionId && error instanceof SessionEndedError) {
          // A live session that cannot continue (expired ID or session token) ends for every
          // identity lookup too; a store failure here leaves it to expire.
          await ctx.sessions.end(liveSessionId).catch(() => undefined);
        }
        throw failure(error);
      }
    },

    async logout(input, ctx) {
      const { logoutUrl } = ctx.settings;
      const result = logoutUrl ? { logoutUrl } : undefined;
      if (!input.refreshToken) {
        return result;
      }
      let sessionId: string;
      try {
        sessionId = await unsealSession(input.refreshToken, ctx.keys.sealKey);
      } catch {
        // Invalid or expired: names no live session.
        return result;
      }
      try {
        await ctx.sessions.end(sessionId);
      } catch (error) {
        // Not ended: a 503, and Backstage keeps the refresh cookie, so the client can retry.
        throw failure(error);
      }
      return result;
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
 *   After the exchange a session record is created (random 256-bit id; email, ID token and its
 *   `exp`, Palette session token and its `exp`, scope, created time, absolute end = now +
 *   `sessionDuration`, default 12 h) in the session store. The session's `accessToken` is the
 *   Palette session token (the `refresh_token` when it is an HS256 JWT, else the authorization
 *   code when that is one, else `''`), `idToken` the ID token, `expiresInSeconds` the seconds until
 *   the first of the ID token's `exp`, the session token's `exp` and the absolute end, and
 *   `refreshToken` a JWE (`dir`, `A256GCM`) holding only the session id. Rejected after the
 *   exchange: a session token whose `email` claim names another user than the verified ID token.
 * - `refresh`: opens that JWE and loads the record: missing, ended (logout on any instance),
 *   past its absolute end or with an expired ID token is an `AuthenticationError` (401). While the
 *   Palette session token has more than `sessionRenewalWindow` (default 300 s) left there is no
 *   call to Palette; inside it the token is renewed with `GET <apiUrl>/v1/auth/refresh/<token>`
 *   (at most one call per token across instances sharing the store, bounded by `timeout`) and
 *   the record updated. A rejected renewal (4xx) ends the record (401); Palette unavailable (5xx,
 *   timeout) keeps the still valid token. The refresh token is handed back unchanged.
 * - `logout`: ends the record named by the refresh token (every instance refuses it from then on).
 *   When the end cannot be written (shared store down) the logout fails with a
 *   `ServiceUnavailableError` (503) and the cookies stay, so that the client can retry it.
 *
 * Every failure is an `AuthenticationError` with a fixed message (no tokens, codes, nonces,
 * verifiers, secrets or emails), except a session store that does not answer (shared mode):
 * a `ServiceUnavailableError` (503 class). Without a logger, warnings are dropped: the provider
 * factory of this package passes the module's logger.
 *
 * @public
 */
export const spectroCloudAuthenticator: OAuthAuthenticator<
  unknown,
  SpectroCloudProfile
> = createSpectroCloudAuthenticator();
