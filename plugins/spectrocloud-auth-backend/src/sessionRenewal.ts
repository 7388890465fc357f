import { createHash } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError } from '@backstage/errors';
import {
  fetchJsonBounded,
  OutboundRequestError,
  type SpectroCloudTokenCache,
} from '@terasky/backstage-plugin-spectrocloud-token-cache';
import { SpectroCloudProviderSettings } from './config';
import { nowInSeconds } from './session';
import {
  PaletteSessionToken,
  readPaletteSessionToken,
  sessionTokenBelongsTo,
} from './sessionToken';

/** Why a session cannot continue (the refresh becomes a 401 and the session state is cleared). */
export class SessionEndedError extends AuthenticationError {}

/** Outcome of one renewal call at Palette. */
type RenewalOutcome =
  | { kind: 'renewed'; token: PaletteSessionToken }
  | { kind: 'rejected' }
  | { kind: 'unavailable'; reason: string };

/**
 * Calls Palette `GET <apiUrl>/v1/auth/refresh/<token>` (answer `{ "Authorization": "<new token>" }`),
 * aborted after `timeoutMs`, its body capped at `maxResponseBytes`. The token travels in the URL path: the URL is never logged nor put in an
 * error; failures are described by fixed text (`HTTP 503`, `no answer within 10000 ms`).
 */
async function callPaletteRefresh(
  settings: SpectroCloudProviderSettings,
  sessionToken: string,
  email: string,
): Promise<RenewalOutcome> {
  let body: unknown;
  try {
    body = await fetchJsonBounded(
      `${settings.apiUrl}/v1/auth/refresh/${encodeURIComponent(sessionToken)}`,
      { timeoutMs: settings.timeoutMs, maxBytes: settings.maxResponseBytes },
    );
  } catch (error) {
    if (
      error instanceof OutboundRequestError &&
      error.failure === 'status' &&
      Number(error.detail) >= 400 &&
      Number(error.detail) < 500
    ) {
      return { kind: 'rejected' };
    }
    return {
      kind: 'unavailable',
      reason:
        error instanceof OutboundRequestError
          ? error.message
          : 'the request failed',
    };
  }
  const renewed = readPaletteSessionToken(
    (body as { Authorization?: unknown } | null)?.Authorization,
  );
  if (
    !renewed ||
    renewed.expiresAt <= nowInSeconds() ||
    !sessionTokenBelongsTo(renewed, email)
  ) {
    return {
      kind: 'unavailable',
      reason: 'the answer holds no usable session token',
    };
  }
  return { kind: 'renewed', token: renewed };
}

/** Options of {@link createSessionRenewer}. */
export interface SessionRenewerOptions {
  /** Where the newest session token of a user is looked up first, and renewed tokens are stored. */
  tokenCache?: SpectroCloudTokenCache;
  /** Receives warnings, never with tokens, URLs holding tokens or emails. */
  logger?: LoggerService;
}

/** Finds, and when needed renews, the current Palette session token of a session. */
export interface SessionRenewer {
  /**
   * The Palette session token a refresh hands out:
   * 1. the newest unexpired token among the token cache entry of `email` (it may have been renewed
   *    by another tab or backend instance) and `sealedToken`;
   * 2. fast path: more than `settings.sessionRenewalWindowSeconds` left: returned, no call to
   *    Palette;
   * 3. inside the window: renewed at Palette (single-flight per token in this process: concurrent
   *    refreshes share one call), stored in the token cache (every tier) and returned; when Palette
   *    is unavailable (5xx, timeout, network, unusable answer) a warning is logged and the still
   *    valid token is returned.
   *
   * @throws SessionEndedError when every token has expired or Palette rejected the renewal (4xx)
   */
  currentSessionToken(input: {
    email: string;
    sealedToken: PaletteSessionToken;
    settings: SpectroCloudProviderSettings;
  }): Promise<PaletteSessionToken>;
}

/** Creates a {@link SessionRenewer} (one per provider factory; the single-flight map is in-process). */
export function createSessionRenewer(
  options: SessionRenewerOptions = {},
): SessionRenewer {
  const { tokenCache, logger } = options;
  const inFlight = new Map<string, Promise<RenewalOutcome>>();

  const cachedToken = async (
    email: string,
  ): Promise<PaletteSessionToken | undefined> => {
    if (!tokenCache) {
      return undefined;
    }
    try {
      const entry = await tokenCache.getSessionTokenByEmail(email);
      const token = entry && readPaletteSessionToken(entry.token);
      return token && sessionTokenBelongsTo(token, email) ? token : undefined;
    } catch {
      return undefined;
    }
  };

  const renew = (
    settings: SpectroCloudProviderSettings,
    current: PaletteSessionToken,
    email: string,
  ): Promise<RenewalOutcome> => {
    const key = createHash('sha256').update(current.token).digest('base64url');
    let pending = inFlight.get(key);
    if (!pending) {
      pending = (async () => {
        const outcome = await callPaletteRefresh(
          settings,
          current.token,
          email,
        );
        if (outcome.kind === 'renewed' && tokenCache) {
          try {
            await tokenCache.storeSessionToken({
              email,
              token: outcome.token.token,
              expiresAt: outcome.token.expiresAt,
            });
          } catch {
            logger?.warn(
              'SpectroCloud refresh: the renewed Palette session token could not be stored in the token cache',
            );
          }
        }
        return outcome;
      })().finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };

  return {
    async currentSessionToken({ email, sealedToken, settings }) {
      const now = nowInSeconds();
      const candidates = [await cachedToken(email), sealedToken].filter(
        (t): t is PaletteSessionToken => !!t && t.expiresAt > now,
      );
      if (candidates.length === 0) {
        throw new SessionEndedError(
          'The Palette session token has expired; sign in again',
        );
      }
      const current = candidates.reduce((a, b) =>
        b.expiresAt > a.expiresAt ? b : a,
      );
      if (current.expiresAt - now > settings.sessionRenewalWindowSeconds) {
        return current;
      }
      const outcome = await renew(settings, current, email);
      if (outcome.kind === 'renewed') {
        return outcome.token;
      }
      if (outcome.kind === 'rejected') {
        throw new SessionEndedError(
          'Palette refused to renew the session token; sign in again',
        );
      }
      logger?.warn(
        `SpectroCloud refresh: renewing the Palette session token failed (${outcome.reason}); the current token stays in use until it expires`,
      );
      return current;
    },
  };
}
