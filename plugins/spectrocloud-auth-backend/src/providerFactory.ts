import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError } from '@backstage/errors';
import {
  AuthProviderFactory,
  AuthProviderRouteHandlers,
  BackstageSignInResult,
  commonSignInResolvers,
  createOAuthProviderFactory,
  decodeOAuthState,
  OAuthAuthenticator,
  OAuthAuthenticatorResult,
  sendWebMessageResponse,
  SignInInfo,
  SignInResolver,
  SignInResolverFactory,
} from '@backstage/plugin-auth-node';
import { SpectroCloudTokenCache } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import { Request, Response } from 'express';
import { jwtDecode } from 'jwt-decode';
import { clearApiTokenCookie, setApiTokenCookie } from './apiTokenCookie';
import {
  createSpectroCloudAuthenticator,
  openSealedSession,
  SpectroCloudAuthenticatorContext,
} from './authenticator';
import { profileFromClaims, SpectroCloudProfile } from './profile';
import { createCacheReplayGuard } from './replayGuard';
import { currentRequestContext, runWithRequestContext } from './requestContext';
import { spectroCloudSignInResolvers } from './resolvers';
import { createSessionRenewer } from './sessionRenewal';
import { readPaletteSessionToken } from './sessionToken';

/** The result type the SpectroCloud sign-in resolvers receive. @public */
export type SpectroCloudSignInResult =
  OAuthAuthenticatorResult<SpectroCloudProfile>;

/**
 * Options of {@link createSpectroCloudProviderFactory}.
 * @public
 */
export interface SpectroCloudProviderFactoryOptions {
  /** Where the Palette session token is stored after a successful sign-in or refresh. */
  tokenCache: SpectroCloudTokenCache;
  /** Receives warnings, never with tokens or personal data. */
  logger?: LoggerService;
  /**
   * Where used sign-in flows are remembered so that a replayed callback is refused before any
   * token request (entries live 15 minutes). Shared by all backend instances when the cache store
   * is. Default: in the process only.
   */
  cache?: CacheService;
  /** Sign-in resolver used when the configuration has no `signIn.resolvers`. */
  signInResolver?: SignInResolver<SpectroCloudSignInResult>;
  /**
   * Extra resolver factories for `signIn.resolvers`, by name; added to the common ones
   * (`emailMatchingUserEntityProfileEmail`, `emailLocalPartMatchingUserEntityName`).
   */
  signInResolverFactories?: Record<string, SignInResolverFactory>;
}

/** Runs after a sign-in resolver succeeded. */
export type AfterSignIn = (
  info: SignInInfo<SpectroCloudSignInResult>,
  signInResult: BackstageSignInResult,
) => Promise<void>;

/** Wraps a resolver so that `after` runs once it returned (not when it throws). */
function wrapSignInResolver<TResult>(
  resolver: SignInResolver<TResult>,
  after: AfterSignIn,
): SignInResolver<TResult> {
  return async (info, context) => {
    const signInResult = await resolver(info, context);
    await after(
      info as unknown as SignInInfo<SpectroCloudSignInResult>,
      signInResult,
    );
    return signInResult;
  };
}

/** Wraps a resolver factory; the options schema is kept so config validation is unchanged. */
export function wrapSignInResolverFactory(
  factory: SignInResolverFactory,
  after: AfterSignIn,
): SignInResolverFactory {
  const wrapped = ((...args: unknown[]) =>
    wrapSignInResolver(
      (factory as (...a: unknown[]) => SignInResolver<unknown>)(...args),
      after,
    )) as SignInResolverFactory;
  if (factory.optionsJsonSchema) {
    wrapped.optionsJsonSchema = factory.optionsJsonSchema;
  }
  return wrapped;
}

function subjectOf(backstageToken: string): string | undefined {
  try {
    const { sub } = jwtDecode<{ sub?: unknown }>(backstageToken);
    return typeof sub === 'string' && sub ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** The auth environment a request is for, the way Backstage's environment handler finds it. */
function envOf(req: Request): string | undefined {
  const fromQuery = req.query.env?.toString();
  if (fromQuery) {
    return fromQuery;
  }
  const state =
    req.query.state?.toString() ??
    (typeof req.body?.state === 'string' ? req.body.state : undefined);
  if (!state) {
    return undefined;
  }
  try {
    return decodeOAuthState(state).env;
  } catch {
    return undefined;
  }
}

/**
 * Creates the `spectrocloud` auth provider factory: Backstage's OAuth provider factory around the
 * SpectroCloud authenticator, plus the token cache and the `spectrocloud-api-token` cookie.
 *
 * @remarks
 * Every sign-in resolver (the code-provided `signInResolver` and each factory usable from
 * `signIn.resolvers`) is wrapped: only AFTER it succeeded, and only when Palette delivered a session
 * token, the token is stored in `tokenCache` (`email` from the verified ID token, `expiresAt` = the
 * token's `exp` in epoch seconds, `userEntityRef` = the `sub` of the issued Backstage token) and the
 * cookie is set on the response of the frame handler or refresh request (reached through
 * `AsyncLocalStorage`). A failing resolver leaves neither. `POST /logout` (with Backstage's
 * `X-Requested-With` check) clears the cookie and deletes the cache entry of the user named in the
 * sealed refresh token, and answers `{ logoutUrl }` when `logoutUrl` is configured (Backstage sends
 * it only when it is https or on `localhost`). A refresh renews the Palette session token inside
 * `sessionRenewalWindow` (see `spectroCloudAuthenticator`); a failed refresh (401) clears the cookie
 * and the user's cache entry. A callback whose state is missing or names no configured environment gets
 * the frame handler's HTML error page (`AuthenticationError`), not a JSON body echoing its URL. A
 * start the provider refuses (discovery unreachable with `discovery: required`, or naming another
 * issuer) is a 401 `AuthenticationError` saying why, without the nonce cookie. With `cache`, used
 * flows are remembered there (replayed callbacks are refused on every instance sharing the store).
 * @public
 */
export function createSpectroCloudProviderFactory(
  options: SpectroCloudProviderFactoryOptions,
): AuthProviderFactory {
  const { tokenCache, logger } = options;

  const afterSignIn: AfterSignIn = async (info, signInResult) => {
    const { fullProfile, session } = info.result;
    const sessionToken = readPaletteSessionToken(session.accessToken);
    if (!sessionToken || typeof fullProfile?.email !== 'string') {
      return;
    }
    try {
      await tokenCache.storeSessionToken({
        email: fullProfile.email,
        token: sessionToken.token,
        expiresAt: sessionToken.expiresAt,
        userEntityRef: subjectOf(signInResult.token),
      });
    } catch {
      logger?.warn(
        'SpectroCloud sign-in: the Palette session token could not be stored in the token cache',
      );
    }
    const request = currentRequestContext();
    if (request && !request.res.headersSent) {
      setApiTokenCookie(request.res, sessionToken.token, request.secureCookies);
    }
  };

  const clearApiTokenCookieOfRequest = () => {
    const request = currentRequestContext();
    if (request && !request.res.headersSent) {
      clearApiTokenCookie(request.res, request.secureCookies);
    }
  };

  const base = createSpectroCloudAuthenticator({
    logger,
    replayGuard: options.cache
      ? createCacheReplayGuard(options.cache, logger)
      : undefined,
    sessionRenewer: createSessionRenewer({ tokenCache, logger }),
    async onSessionEnded(email) {
      clearApiTokenCookieOfRequest();
      await tokenCache.deleteSessionToken({ email });
    },
  });
  const authenticator: OAuthAuthenticator<
    SpectroCloudAuthenticatorContext,
    SpectroCloudProfile
  > = {
    ...base,
    async logout(input, ctx) {
      clearApiTokenCookieOfRequest();
      const { logoutUrl } = ctx.settings;
      const result = logoutUrl ? { logoutUrl } : undefined;
      if (!input.refreshToken) {
        return result;
      }
      let email: string | undefined;
      try {
        const { idToken } = await openSealedSession(input.refreshToken, ctx);
        email = profileFromClaims(jwtDecode(idToken), ctx.settings).email;
      } catch {
        // Invalid or expired session cookie: its cache entry (if any) expires on its own.
        return result;
      }
      await tokenCache.deleteSessionToken({ email });
      return result;
    },
  };

  const factories: Record<string, SignInResolverFactory> = {
    ...commonSignInResolvers,
    ...spectroCloudSignInResolvers,
    ...options.signInResolverFactories,
  };

  const inner = createOAuthProviderFactory<SpectroCloudProfile>({
    authenticator,
    signInResolver:
      options.signInResolver &&
      wrapSignInResolver(options.signInResolver, afterSignIn),
    signInResolverFactories: Object.fromEntries(
      Object.entries(factories).map(([name, factory]) => [
        name,
        wrapSignInResolverFactory(factory, afterSignIn),
      ]),
    ),
  });

  return ctx => {
    const handlers = inner(ctx);
    const defaultCallbackUrl = `${ctx.baseUrl}/${ctx.providerId}/handler/frame`;

    const secureCookiesFor = (req: Request): boolean => {
      const env = envOf(req);
      let callbackUrl: string | undefined;
      try {
        callbackUrl = env
          ? ctx.config.getOptionalConfig(env)?.getOptionalString('callbackUrl')
          : undefined;
      } catch {
        callbackUrl = undefined;
      }
      return (callbackUrl ?? defaultCallbackUrl).startsWith('https:');
    };

    const withContext =
      (handler: (req: Request, res: Response) => Promise<void>) =>
      (req: Request, res: Response) =>
        runWithRequestContext(
          { res, secureCookies: secureCookiesFor(req) },
          () => handler(req, res),
        );

    const appOrigin = new URL(ctx.appUrl).origin;
    const wrapped: AuthProviderRouteHandlers = {
      start: async (req, res) => {
        try {
          await handlers.start(req, res);
        } catch (error) {
          // A refused flow (e.g. discovery names another issuer) must not leave Backstage's nonce
          // cookie behind; the error itself is answered by the auth router (401 JSON).
          if (!res.headersSent) {
            res.removeHeader('Set-Cookie');
          }
          throw error;
        }
      },
      frameHandler: withContext(async (req, res) => {
        try {
          await handlers.frameHandler(req, res);
        } catch (error) {
          // Backstage's frame handler answers its own errors; what reaches here is the environment
          // lookup failing on a missing or invalid state. Its default JSON error body would echo
          // the callback URL, authorization code included: answer like the frame handler instead.
          if (res.headersSent) {
            throw error;
          }
          sendWebMessageResponse(res, appOrigin, {
            type: 'authorization_response',
            error: new AuthenticationError(
              'The authorization response has no valid OAuth state',
            ),
          });
        }
      }),
    };
    if (handlers.refresh) {
      wrapped.refresh = withContext((req, res) => handlers.refresh!(req, res));
    }
    if (handlers.logout) {
      wrapped.logout = withContext((req, res) => handlers.logout!(req, res));
    }
    return wrapped;
  };
}
