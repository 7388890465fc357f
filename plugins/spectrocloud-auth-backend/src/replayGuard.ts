import { CacheService, LoggerService } from '@backstage/backend-plugin-api';

/**
 * How long a used flow is remembered, in MILLISECONDS: longer than Backstage's nonce cookie (10
 * minutes), after which a callback of that flow is refused anyway.
 */
export const CALLBACK_REPLAY_WINDOW_MS = 15 * 60 * 1000;

/** Remembers which sign-in flows already had their callback processed. */
export interface CallbackReplayGuard {
  /**
   * Records the flow as used before its code exchange.
   *
   * @param flowId - a value unique to the flow (the derived OIDC nonce)
   * @returns `false` when the flow was already used: the callback is a replay
   */
  markUsed(flowId: string): Promise<boolean>;
}

/** An in-process {@link CallbackReplayGuard} (one backend instance only). */
export function createMemoryReplayGuard(
  now: () => number = Date.now,
): CallbackReplayGuard {
  const used = new Map<string, number>();
  return {
    async markUsed(flowId) {
      const time = now();
      for (const [id, expiresAt] of used) {
        if (expiresAt <= time) used.delete(id);
      }
      if (used.has(flowId)) {
        return false;
      }
      used.set(flowId, time + CALLBACK_REPLAY_WINDOW_MS);
      return true;
    },
  };
}

/** Bound of each cache call of the replay guard, in MILLISECONDS. */
export const REPLAY_GUARD_CACHE_TIMEOUT_MS = 1000;

/** `promise`, or a rejection after `ms` milliseconds: a dead cache store must not hang a sign-in. */
async function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the cache did not answer within ${ms} ms`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A {@link CallbackReplayGuard} in Backstage's cache service, shared by every backend instance
 * when the cache store is shared (`backend.cache.store: redis`, ...). Not atomic (get, then set):
 * the provider's one-time authorization codes remain the last line. Each cache call is bounded by
 * `timeoutMs` (default {@link REPLAY_GUARD_CACHE_TIMEOUT_MS}); when the cache fails or does not
 * answer, the in-process guard is used and ONE warning is logged per outage.
 */
export function createCacheReplayGuard(
  cache: CacheService,
  logger?: LoggerService,
  timeoutMs: number = REPLAY_GUARD_CACHE_TIMEOUT_MS,
): CallbackReplayGuard {
  const fallback = createMemoryReplayGuard();
  let failing = false;
  return {
    async markUsed(flowId) {
      const key = `spectrocloud-callback-used:${flowId}`;
      try {
        const seen = await bounded(cache.get(key), timeoutMs);
        if (seen === undefined) {
          await bounded(
            cache.set(key, true, { ttl: CALLBACK_REPLAY_WINDOW_MS }),
            timeoutMs,
          );
        }
        failing = false;
        // Also remembered in-process: a later cache outage still catches replays here.
        return (await fallback.markUsed(flowId)) && seen === undefined;
      } catch {
        if (!failing) {
          failing = true;
          logger?.warn(
            'SpectroCloud auth provider: the cache service failed or did not answer; replayed callbacks are detected on this instance only until it answers again',
          );
        }
        return fallback.markUsed(flowId);
      }
    },
  };
}
