import { LoggerService } from '@backstage/backend-plugin-api';
import { createLocalJWKSet } from 'jose';
import {
  fetchJsonBounded,
  OutboundRequestError,
} from '@terasky/backstage-plugin-spectrocloud-token-cache/outbound';

/** How long a fetched JWKS is used before it is fetched again on the next use, in ms. */
export const JWKS_MAX_AGE_MS = 10 * 60 * 1000;

/** How long a `kid` that a refetch did not find triggers no further refetch, in ms. */
export const JWKS_UNKNOWN_KID_COOLDOWN_MS = 60 * 1000;

/** At most this many refetches caused by unknown keys per minute (per JWKS). */
export const JWKS_MAX_REFETCHES_PER_MINUTE = 10;

/**
 * The provider's JWKS could not be fetched or is not a JWKS. Its message is fixed text naming the
 * failure (timeout, HTTP status, not JSON, network error code, invalid JWKS), never a body.
 */
export class JwksFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwksFetchError';
  }
}

/** Options of {@link JwksCache}. */
export interface JwksCacheOptions {
  /** The JWKS URL (`jwks_uri`). */
  uri: string;
  /** Timeout of each fetch (headers and body; the request is aborted), in MILLISECONDS. */
  timeoutMs: number;
  /** Largest accepted JWKS body, in BYTES (the fetch is aborted beyond it). */
  maxBytes: number;
  logger?: LoggerService;
  /** Defaults to {@link JWKS_MAX_AGE_MS}. */
  maxAgeMs?: number;
  /** Defaults to {@link JWKS_UNKNOWN_KID_COOLDOWN_MS}. */
  unknownKidCooldownMs?: number;
  /** Defaults to {@link JWKS_MAX_REFETCHES_PER_MINUTE}. */
  maxRefetchesPerMinute?: number;
  /** Clock in epoch MILLISECONDS (tests). */
  now?: () => number;
}

/** Picks the key of the JWKS for a JWS header (jose's key selection); for jose's verify functions. */
export type JwksKeyResolver = ReturnType<typeof createLocalJWKSet>;

interface FetchedJwks {
  getKey: JwksKeyResolver;
  fetchedAt: number;
}

function describeJwksFailure(
  error: OutboundRequestError,
  timeoutMs: number,
): string {
  switch (error.failure) {
    case 'timeout':
      return `Palette JWKS endpoint did not answer within ${timeoutMs} ms`;
    case 'status':
      return `Palette JWKS endpoint answered with HTTP ${error.detail}`;
    case 'notJson':
      return 'Palette JWKS endpoint returned a non-JSON response';
    case 'tooLarge':
      return `Palette JWKS endpoint answered with more than ${error.detail} bytes (the configured maxResponseBytes)`;
    default:
      return error.detail
        ? `Palette JWKS endpoint could not be reached (${error.detail})`
        : 'Palette JWKS endpoint could not be reached';
  }
}

/** The key-selection failures that a newer JWKS may cure. */
function isKeyMiss(error: unknown, kid: string | undefined): boolean {
  const code = (error as { code?: unknown })?.code;
  if (code === 'ERR_JWKS_NO_MATCHING_KEY') {
    return true;
  }
  // Without a kid, the cached keys of the right type were tried; after a rotation they are old.
  return (
    kid === undefined &&
    (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ||
      code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS')
  );
}

/**
 * A cached JWKS of one provider, with key rotation support.
 *
 * @remarks
 * The JWKS is fetched on first use and again once it is older than `maxAgeMs`. When verification
 * fails because no cached key matches (an unknown `kid`, or a token without `kid` whose signature
 * no cached key verifies, or several match), the JWKS is fetched ONCE more and verification
 * retried, so a provider's key rotation works without a restart. That refetch is rate-limited: a
 * `kid` still unknown after a refetch triggers none for `unknownKidCooldownMs`, and at most
 * `maxRefetchesPerMinute` such refetches happen per minute. Concurrent fetches are shared. Key
 * selection (kid, kty, alg, use, key_ops; a single key without `kid`) is jose's
 * `createLocalJWKSet`; private or symmetric keys in the set are refused by it.
 */
export class JwksCache {
  readonly uri: string;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #logger?: LoggerService;
  readonly #maxAgeMs: number;
  readonly #cooldownMs: number;
  readonly #maxRefetches: number;
  readonly #now: () => number;
  #current?: FetchedJwks;
  #inflight?: Promise<FetchedJwks>;
  readonly #unknownKids = new Map<string, number>();
  #refetchTimes: number[] = [];

  constructor(options: JwksCacheOptions) {
    this.uri = options.uri;
    this.#timeoutMs = options.timeoutMs;
    this.#maxBytes = options.maxBytes;
    this.#logger = options.logger;
    this.#maxAgeMs = options.maxAgeMs ?? JWKS_MAX_AGE_MS;
    this.#cooldownMs =
      options.unknownKidCooldownMs ?? JWKS_UNKNOWN_KID_COOLDOWN_MS;
    this.#maxRefetches =
      options.maxRefetchesPerMinute ?? JWKS_MAX_REFETCHES_PER_MINUTE;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Runs `verify` with a key resolver over the cached JWKS; on a key miss, refetches once (see the
   * class remarks) and runs it again.
   *
   * @param kid - the `kid` of the JWS header being verified, if any
   * @throws JwksFetchError when the JWKS cannot be fetched; otherwise whatever `verify` throws
   */
  async verifyWith<T>(
    kid: string | undefined,
    verify: (getKey: JwksKeyResolver) => Promise<T>,
  ): Promise<T> {
    const { jwks, fresh } = await this.#get();
    try {
      return await verify(jwks.getKey);
    } catch (error) {
      if (fresh || !isKeyMiss(error, kid) || !this.#mayRefetch(kid)) {
        throw error;
      }
      this.#logger?.info(
        'SpectroCloud auth provider: no cached key verifies the ID token; fetching the JWKS again (key rotation)',
      );
      const refreshed = await this.#fetch();
      try {
        return await verify(refreshed.getKey);
      } catch (retryError) {
        if (kid !== undefined && isKeyMiss(retryError, kid)) {
          this.#unknownKids.set(kid, this.#now() + this.#cooldownMs);
        }
        throw retryError;
      }
    }
  }

  #mayRefetch(kid: string | undefined): boolean {
    const now = this.#now();
    for (const [known, until] of this.#unknownKids) {
      if (until <= now) this.#unknownKids.delete(known);
    }
    if (kid !== undefined && this.#unknownKids.has(kid)) {
      return false;
    }
    this.#refetchTimes = this.#refetchTimes.filter(t => t > now - 60_000);
    if (this.#refetchTimes.length >= this.#maxRefetches) {
      return false;
    }
    this.#refetchTimes.push(now);
    return true;
  }

  async #get(): Promise<{ jwks: FetchedJwks; fresh: boolean }> {
    const current = this.#current;
    if (current && this.#now() - current.fetchedAt < this.#maxAgeMs) {
      return { jwks: current, fresh: false };
    }
    return { jwks: await this.#fetch(), fresh: true };
  }

  #fetch(): Promise<FetchedJwks> {
    if (!this.#inflight) {
      this.#inflight = this.#load().finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  async #load(): Promise<FetchedJwks> {
    let body: unknown;
    try {
      body = await fetchJsonBounded(this.uri, {
        timeoutMs: this.#timeoutMs,
        maxBytes: this.#maxBytes,
        accept: 'application/jwk-set+json, application/json',
      });
    } catch (error) {
      throw new JwksFetchError(
        describeJwksFailure(error as OutboundRequestError, this.#timeoutMs),
      );
    }
    let getKey: JwksKeyResolver;
    try {
      getKey = createLocalJWKSet(
        body as Parameters<typeof createLocalJWKSet>[0],
      );
    } catch {
      throw new JwksFetchError('Palette JWKS endpoint returned no valid JWKS');
    }
    const fetched = { getKey, fetchedAt: this.#now() };
    this.#current = fetched;
    return fetched;
  }
}
