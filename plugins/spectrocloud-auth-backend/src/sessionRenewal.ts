import { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError } from '@backstage/errors';
import {
  type SessionRecord,
  type SpectroCloudSessions,
} from '@terasky/backstage-plugin-spectrocloud-token-cache';
import {
  fetchJsonBounded,
  OutboundRequestError,
} from '@terasky/backstage-plugin-spectrocloud-token-cache/outbound';
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

/**
 * The session record a refresh hands out, its Palette session token renewed when needed:
 * 1. no session token (Palette delivered none): the record as it is;
 * 2. more than `settings.sessionRenewalWindowSeconds` left: the record, no call to Palette;
 * 3. inside the window: renewed through {@link SpectroCloudSessions.renewSessionToken} (at most one
 *    Palette call per token across every instance sharing the store; a concurrent refresh that
 *    does not make that call gets the still valid current token at once, never waits). Palette unavailable (5xx, timeout, network, unusable
 *    answer): a warning and the still valid token. Palette refusing (4xx): the record is ended.
 *
 * @throws SessionEndedError when the token has expired, Palette refused the renewal, or the
 *   record ended meanwhile (logout on another device or instance)
 * @throws SessionStoreUnavailableError when the shared store is down
 */
export async function renewedSessionRecord(
  record: SessionRecord,
  deps: {
    sessions: SpectroCloudSessions;
    settings: SpectroCloudProviderSettings;
    logger?: LoggerService;
  },
): Promise<SessionRecord> {
  const { sessions, settings, logger } = deps;
  const token = record.sessionToken;
  if (!token) {
    return record;
  }
  const now = nowInSeconds();
  if (token.expiresAt <= now) {
    throw new SessionEndedError(
      'The Palette session token has expired; sign in again',
    );
  }
  if (token.expiresAt - now > settings.sessionRenewalWindowSeconds) {
    return record;
  }
  let refused = false;
  const after = await sessions.renewSessionToken(
    record.id,
    token.token,
    async current => {
      const outcome = await callPaletteRefresh(settings, current, record.email);
      if (outcome.kind === 'renewed') {
        return outcome.token;
      }
      if (outcome.kind === 'rejected') {
        refused = true;
        await sessions.end(record.id);
        return undefined;
      }
      logger?.warn(
        `SpectroCloud refresh: renewing the Palette session token failed (${outcome.reason}); the current token stays in use until it expires`,
      );
      return undefined;
    },
    settings.timeoutMs + 1000,
  );
  if (refused) {
    throw new SessionEndedError(
      'Palette refused to renew the session token; sign in again',
    );
  }
  if (!after || after.state !== 'live') {
    throw new SessionEndedError(
      'The SpectroCloud session has ended; sign in again',
    );
  }
  return after;
}
