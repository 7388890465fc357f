import { LoggerService } from '@backstage/backend-plugin-api';
import { Config, ConfigReader } from '@backstage/config';
import {
  AuthenticationError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AuthProviderFactory,
  AuthProviderRouteHandlers,
  BackstageSignInResult,
  commonSignInResolvers,
  createOAuthProviderFactory,
  decodeOAuthState,
  OAuthAuthenticatorResult,
  sendWebMessageResponse,
  SignInInfo,
  SignInResolver,
  SignInResolverFactory,
} from '@backstage/plugin-auth-node';
import { SpectroCloudTokenCache } from '@terasky/backstage-plugin-spectrocloud-token-cache';
import { Request, Response } from 'express';
import { decodeJwt } from 'jose';
import {
  clearApiTokenCookie,
  setApiTokenCookie,
  SPECTROCLOUD_API_TOKEN_COOKIE,
} from './apiTokenCookie';
import { createSpectroCloudAuthenticator } from './authenticator';
import { DEFAULT_SESSION_DURATION_SECONDS } from './config';
import { SpectroCloudProfile } from './profile';
import { currentRequestContext, runWithRequestContext } from './requestContext';
import { spectroCloudSignInResolvers } from './resolvers';
import { nowInSeconds, SpectroCloudAuthenticatorResult } from './session';

/** The result type the SpectroCloud sign-in resolvers receive. @public */
export type SpectroCloudSignInResult =
  OAuthAuthenticatorResult<SpectroCloudProfile>;

/**
 * Options of {@link createSpectroCloudProviderFactory}.
 * @public
 */
export interface SpectroCloudProviderFactoryOptions {
  /**
   * Its `sessions` hold the session records (one per sign-in) and the used-flow marks that refuse
   * replayed callbacks: shared by all backend instances when the token cache is shared.
   */
  tokenCache: SpectroCloudTokenCache;
  /** Receives warnings, never with tokens or personal data. */
  logger?: LoggerService;
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

/** Runs when a sign-in resolver threw `error` (the sign-in is refused). */
export type SignInRefused = (
  info: SignInInfo<SpectroCloudSignInResult>,
  error: unknown,
) => Promise<void>;

/**
 * Why a sign-in resolver refused, for the log: from the error's name only (resolver messages may
 * carry the email).
 */
function refusalReason(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  if (name === 'NotFoundError') {
    return 'no User entity in the catalog matches the Palette identity';
  }
  if (name === 'NotAllowedError') {
    return 'the sign-in resolver does not allow this user';
  }
  return `the sign-in resolver failed (${name})`;
}

/**
 * Wraps a resolver so that `after` runs once it returned, and `refused` (errors ignored) when it
 * throws.
 */
function wrapSignInResolver<TResult>(
  resolver: SignInResolver<TResult>,
  after: AfterSignIn,
  refused?: SignInRefused,
): SignInResolver<TResult> {
  return async (info, context) => {
    let signInResult: BackstageSignInResult;
    try {
      signInResult = await resolver(info, context);
    } catch (error) {
      await refused?.(
        info as unknown as SignInInfo<SpectroCloudSignInResult>,
        error,
      ).catch(() => undefined);
      throw error;
    }
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
  refused?: SignInRefused,
): SignInResolverFactory {
  const wrapped = ((...args: unknown[]) =>
    wrapSignInResolver(
      (factory as (...a: unknown[]) => SignInResolver<unknown>)(...args),
      after,
      refused,
    )) as SignInResolverFactory;
  if (factory.optionsJsonSchema) {
    wrapped.optionsJsonSchema = factory.optionsJsonSchema;
  }
  return wrapped;
}

/**
 * The provider config with `sessionDuration` defaulted to {@link DEFAULT_SESSION_DURATION_SECONDS}
 * in every environment that has none, so that Backstage's refresh cookie gets the Max-Age of the
 * session's absolute lifetime instead of its 1000-day default.
 */
function withDefaultSessionDuration(config: Config): Config {
  const defaults = Object.fromEntries(
    config
      .keys()
      .filter(env => !config.getOptionalConfig(env)?.has('sessionDuration'))
      .map(env => [
        env,
        { sessionDuration: { seconds: DEFAULT_SESSION_DURATION_SECONDS } },
      ]),
  );
  return ConfigReader.fromConfigs([
    { context: 'spectrocloud-defaults', data: defaults },
    { context: 'auth.providers.spectrocloud', data: config.get() },
  ]);
}

function subjectOf(backstageToken: string): string | undefined {
  try {
    const { sub } = decodeJwt(backstageToken);
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
 * The authenticator keeps one session record per sign-in in `tokenCache.sessions` (see
 * `spectroCloudAuthenticator`). Every sign-in resolver (the code-provided `signInResolver` and each
 * factory usable from `signIn.resolvers`) is wrapped: only AFTER it succeeded the record is bound
 * to the user (`userEntityRef` = the `sub` of the issued Backstage token; from then on
 * `getSessionTokenForUser` finds it), and the `spectrocloud-api-token` cookie is set (Max-Age =
 * the session token's remaining lifetime) on the response of the frame handler or refresh
 * request (reached through `AsyncLocalStorage`: the resolver gets no response object). A failing
 * resolver ends the unbound record (no lookup finds it, no cookie names it, and the store drops an
 * unbound record after 10 minutes anyway). A failed refresh
 * clears the API token cookie and Backstage's refresh cookie. `POST /logout` (with Backstage's
 * `X-Requested-With` check) ends the record on the session store every instance reads, clears the
 * cookie (a 503 that keeps every cookie when the store could not record the end), and answers `{ logoutUrl }` when `logoutUrl` is configured (Backstage sends it only when
 * it is https or on `localhost`). `sessionDuration` defaults to 12 h in every environment (the
 * refresh cookie's Max-Age and the record's absolute end). A callback whose state is missing or
 * names no configured environment gets the frame handler's HTML error page
 * (`AuthenticationError`), not a JSON body echoing its URL. A start the provider refuses
 * (discovery unreachable with `discovery: required`, or naming another issuer) is a 401
 * `AuthenticationError` saying why, without the nonce cookie.
 * @public
 */
export function createSpectroCloudProviderFactory(
  options: SpectroCloudProviderFactoryOptions,
): AuthProviderFactory {
  const { tokenCache, logger } = options;

  const { sessions } = tokenCache;

  const afterSignIn: AfterSignIn = async (info, signInResult) => {
    const record = (info.result as Partial<SpectroCloudAuthenticatorResult>)
      .sessionRecord;
    if (!record) {
      return;
    }
    const userEntityRef = subjectOf(signInResult.token);
    if (userEntityRef && record.userEntityRef !== userEntityRef) {
      try {
        await sessions.bindUser(record.id, userEntityRef);
      } catch {
        throw new ServiceUnavailableError(
          'The SpectroCloud session store is unavailable; try again shortly',
        );
      }
    }
    const request = currentRequestContext();
    const token = record.sessionToken;
    // A browser that sent this very token has the cookie already, with the same expiry (its
    // Max-Age runs to the token's `exp`): it is set again only when it changes (sign-in, renewal).
    const sent = (
      request?.res.req as { cookies?: Record<string, unknown> } | undefined
    )?.cookies?.[SPECTROCLOUD_API_TOKEN_COOKIE];
    if (token && request && !request.res.headersSent && sent !== token.token) {
      setApiTokenCookie(
        request.res,
        token.token,
        request.secureCookies,
        token.expiresAt - nowInSeconds(),
      );
    }
  };

  // A refused sign-in is logged (reason only: no email, no token) and ends its unbound record now
  // (else it would expire within 10 minutes).
  const refused: SignInRefused = async (info, error) => {
    logger?.info(`SpectroCloud sign-in refused: ${refusalReason(error)}`);
    const record = (info.result as Partial<SpectroCloudAuthenticatorResult>)
      .sessionRecord;
    if (record) {
      await sessions.end(record.id);
    }
  };

  const authenticator = createSpectroCloudAuthenticator({ logger, sessions });

  const factories: Record<string, SignInResolverFactory> = {
    ...commonSignInResolvers,
    ...spectroCloudSignInResolvers,
    ...options.signInResolverFactories,
  };

  const inner = createOAuthProviderFactory<SpectroCloudProfile>({
    authenticator,
    signInResolver:
      options.signInResolver &&
      wrapSignInResolver(options.signInResolver, afterSignIn, refused),
    signInResolverFactories: Object.fromEntries(
      Object.entries(factories).map(([name, factory]) => [
        name,
        wrapSignInResolverFactory(factory, afterSignIn, refused),
      ]),
    ),
  });

  return ctx => {
    const handlers = inner({
      ...ctx,
      config: withDefaultSessionDuration(ctx.config),
    });
    const defaultCallbackUrl = `${ctx.baseUrl}/${ctx.providerId}/handler/frame`;

    // The configured callback URL of each auth environment, read once (not on every request).
    const callbackUrls = new Map<string, string>();
    for (const env of ctx.config.keys()) {
      try {
        const url = ctx.config
          .getOptionalConfig(env)
          ?.getOptionalString('callbackUrl');
        if (url) callbackUrls.set(env, url);
      } catch {
        // Not a string: the default, as Backstage's environment handler would fail on it anyway.
      }
    }

    /** The callback URL of the request's auth environment (its `callbackUrl`, else the default). */
    const callbackUrlFor = (req: Request): string => {
      const env = envOf(req);
      return (env && callbackUrls.get(env)) || defaultCallbackUrl;
    };

    const secureCookiesFor = (req: Request): boolean =>
      callbackUrlFor(req).startsWith('https:');

    /** Path of Backstage's refresh cookie, as its default cookie configurer derives it. */
    const refreshCookiePathFor = (req: Request): string => {
      const { pathname } = new URL(callbackUrlFor(req));
      const suffix = `${ctx.providerId}/handler/frame`;
      return pathname.endsWith(suffix)
        ? pathname.slice(0, -'/handler/frame'.length)
        : `${pathname}/${ctx.providerId}`;
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
      wrapped.refresh = withContext(async (req, res) => {
        try {
          await handlers.refresh!(req, res);
        } catch (error) {
          // Backstage wraps every refresh failure in a 401; a session store that did not answer
          // says nothing about the session: 503, cookies kept, the next refresh may succeed.
          const cause = (error as { cause?: unknown })?.cause;
          if (
            (cause as Error | undefined)?.name === 'ServiceUnavailableError'
          ) {
            throw cause;
          }
          // The session cannot continue: neither cookie may outlive it.
          if (!res.headersSent) {
            const secure = secureCookiesFor(req);
            clearApiTokenCookie(res, secure);
            res.clearCookie(`${ctx.providerId}-refresh-token`, {
              httpOnly: true,
              sameSite: 'lax',
              secure,
              path: refreshCookiePathFor(req),
            });
          }
          throw error;
        }
      });
    }
    if (handlers.logout) {
      wrapped.logout = async (req, res) => {
        // Only a logout Backstage accepts (its CSRF header check) clears the cookie.
        if (req.header('X-Requested-With') === 'XMLHttpRequest') {
          clearApiTokenCookie(res, secureCookiesFor(req));
        }
        try {
          await handlers.logout!(req, res);
        } catch (error) {
          // A logout that did not end the session (store down: 503) keeps every cookie, so that
          // the client can retry it; Backstage removes its refresh cookie only on success.
          if (!res.headersSent) {
            res.removeHeader('Set-Cookie');
          }
          throw error;
        }
      };
    }
    return wrapped;
  };
}
