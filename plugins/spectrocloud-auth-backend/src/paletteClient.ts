import { LoggerService } from '@backstage/backend-plugin-api';
import { SpectroCloudProviderSettings } from './config';
import { SpectroCloudConfigurationError } from './configurationError';
import { DiscoveryDocument, fetchDiscoveryDocument } from './discovery';
import {
  deriveTokenUrl,
  discoveryUrlForIssuer,
  expectedIssuer,
  fallbackJwksUri,
} from './endpoints';
import { JwksCache } from './jwks';

/** How long a client built from derived endpoints (discovery failed) is reused, in ms. */
export const DISCOVERY_RETRY_AFTER_MS = 60_000;

/** The resolved Palette endpoints. */
export interface PaletteEndpoints {
  /** The issuer every `iss` must equal exactly. */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  /** `true` when they came from a discovery document, `false` when derived. */
  discovered: boolean;
  /** The provider announces RFC 9207 `iss` in authorization responses: it is then required. */
  issParameterRequired: boolean;
}

function configError(message: string): SpectroCloudConfigurationError {
  return new SpectroCloudConfigurationError(
    `SpectroCloud auth provider: ${message}`,
  );
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') {
    return false;
  }
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * A remote value made safe to name in a log line: quoted as is when it is an http(s) URL of at
 * most 200 printable ASCII characters without spaces, else described.
 */
function describeRemoteUrl(value: unknown): string {
  return isHttpUrl(value) && /^[\x21-\x7e]{1,200}$/.test(value)
    ? `'${value}'`
    : 'a value that is not a short http(s) URL';
}

/**
 * Thrown when the discovery document names another issuer than the expected one. The message is
 * shown to users; `discoveredIssuer` (remote text, sanitised) is for the log only.
 */
export class IssuerMismatchError extends SpectroCloudConfigurationError {
  readonly discoveredIssuer: string;

  constructor(expected: string, discovered: unknown) {
    super(
      `SpectroCloud auth provider: the OIDC discovery document names another issuer than the expected '${expected}'; sign-in is refused (configure 'issuer' or 'metadataUrl' if that issuer is intended)`,
    );
    this.discoveredIssuer = describeRemoteUrl(discovered);
  }
}

/**
 * Combines the configuration with a discovery document (or its absence) into endpoints.
 * Precedence: `tokenUrl` > discovery `token_endpoint` > derived; `jwksUrl` > discovery `jwks_uri`
 * > `<issuer>/.well-known/jwks.json`. The authorization endpoint is always `authorizationUrl`.
 * The discovery document's `issuer` must equal the expected issuer (see `expectedIssuer`) EXACTLY.
 *
 * @throws IssuerMismatchError on an issuer mismatch; SpectroCloudConfigurationError when an
 *   endpoint is invalid or cannot be derived
 */
export function resolvePaletteEndpoints(
  settings: SpectroCloudProviderSettings,
  discovered: DiscoveryDocument | undefined,
): PaletteEndpoints {
  const expected = expectedIssuer(settings);
  if (discovered) {
    if (expected !== undefined && discovered.issuer !== expected) {
      throw new IssuerMismatchError(expected, discovered.issuer);
    }
    for (const key of ['token_endpoint', 'jwks_uri'] as const) {
      if (discovered[key] !== undefined && !isHttpUrl(discovered[key])) {
        throw configError(
          `the OIDC discovery document has an invalid ${key}; sign-in is refused`,
        );
      }
    }
    return {
      issuer: discovered.issuer,
      authorizationEndpoint: settings.authorizationUrl,
      tokenEndpoint:
        settings.tokenUrl ??
        (discovered.token_endpoint as string | undefined) ??
        deriveTokenUrl(settings.authorizationUrl),
      jwksUri:
        settings.jwksUrl ??
        (discovered.jwks_uri as string | undefined) ??
        fallbackJwksUri(discovered.issuer),
      discovered: true,
      issParameterRequired:
        discovered.authorization_response_iss_parameter_supported === true,
    };
  }
  if (!expected) {
    throw configError(
      settings.metadataUrl
        ? "OIDC discovery failed and the issuer is unknown; configure 'issuer'"
        : "OIDC discovery failed and the issuer cannot be derived because the last path segment of 'authorizationUrl' is not 'auth'",
    );
  }
  return {
    issuer: expected,
    authorizationEndpoint: settings.authorizationUrl,
    tokenEndpoint:
      settings.tokenUrl ?? deriveTokenUrl(settings.authorizationUrl),
    jwksUri: settings.jwksUrl ?? fallbackJwksUri(expected),
    discovered: false,
    issParameterRequired: false,
  };
}

/** What {@link PaletteClientProvider.getClient} resolves to. */
export interface ResolvedPaletteClient {
  endpoints: PaletteEndpoints;
  /** The cached JWKS of `endpoints.jwksUri`. */
  jwks: JwksCache;
}

/**
 * Resolves and caches the Palette client of one provider instance, following `discovery`:
 * - `auto`: a client built after a successful discovery is kept; when discovery fails (timeout,
 *   HTTP error, not JSON), a warning is logged and a client from derived endpoints is used for
 *   {@link DISCOVERY_RETRY_AFTER_MS}, then discovery is tried again;
 * - `required`: while discovery fails, every flow is refused with an error naming the failure;
 * - `off`: discovery is never fetched.
 * In every mode a discovery document naming another issuer refuses every flow. Failures are not
 * cached: the next flow tries again. JWKS caches are kept per JWKS URL across re-resolutions.
 */
export class PaletteClientProvider {
  readonly #settings: SpectroCloudProviderSettings;
  readonly #logger?: LoggerService;
  readonly #jwks = new Map<string, JwksCache>();
  #cached?: { value: Promise<ResolvedPaletteClient>; expiresAt: number };
  #lastWarning?: string;

  constructor(options: {
    settings: SpectroCloudProviderSettings;
    logger?: LoggerService;
  }) {
    this.#settings = options.settings;
    this.#logger = options.logger;
  }

  /** The discovery URL this provider uses, or `undefined` when none can be determined. */
  get discoveryUrl(): string | undefined {
    if (this.#settings.metadataUrl) {
      return this.#settings.metadataUrl;
    }
    const issuer = expectedIssuer(this.#settings);
    return issuer ? discoveryUrlForIssuer(issuer) : undefined;
  }

  /**
   * The Palette client; discovery runs on first use (bounded by the configured timeout).
   * @throws Error when no usable endpoints can be determined or discovery refuses the provider
   */
  getClient(): Promise<ResolvedPaletteClient> {
    const now = Date.now();
    if (this.#cached && this.#cached.expiresAt > now) {
      return this.#cached.value;
    }
    const value = this.#resolve();
    const entry = { value, expiresAt: Number.POSITIVE_INFINITY };
    this.#cached = entry;
    value.then(
      resolved => {
        if (
          !resolved.endpoints.discovered &&
          this.#settings.discovery !== 'off'
        ) {
          entry.expiresAt = Date.now() + DISCOVERY_RETRY_AFTER_MS;
        }
      },
      () => {
        if (this.#cached === entry) {
          this.#cached = undefined;
        }
      },
    );
    return value;
  }

  /** Logs a warning, once per distinct text in a row (a broken provider is not logged per flow). */
  #warnOnce(message: string): void {
    if (this.#lastWarning !== message) {
      this.#lastWarning = message;
      this.#logger?.warn(message);
    }
  }

  async #discover(): Promise<DiscoveryDocument | undefined> {
    const { discovery, timeoutMs, maxResponseBytes } = this.#settings;
    if (discovery === 'off') {
      return undefined;
    }
    const url = this.discoveryUrl;
    if (!url) {
      if (discovery === 'required') {
        throw configError(
          "'discovery' is 'required' but no discovery URL can be determined; configure 'issuer' or 'metadataUrl'",
        );
      }
      return undefined;
    }
    try {
      return await fetchDiscoveryDocument(url, timeoutMs, maxResponseBytes);
    } catch (error) {
      const reason = (error as Error).message;
      if (discovery === 'required') {
        const message = `${reason}; sign-in is refused because 'discovery' is 'required'`;
        this.#warnOnce(`SpectroCloud auth provider: ${message}`);
        throw configError(message);
      }
      this.#warnOnce(
        `SpectroCloud auth provider: ${reason}; using endpoints derived from the configuration`,
      );
      return undefined;
    }
  }

  async #resolve(): Promise<ResolvedPaletteClient> {
    const metadata = await this.#discover();
    let endpoints: PaletteEndpoints;
    try {
      endpoints = resolvePaletteEndpoints(this.#settings, metadata);
    } catch (error) {
      if (error instanceof IssuerMismatchError) {
        this.#warnOnce(
          `${error.message}; the document names ${error.discoveredIssuer}`,
        );
      }
      throw error;
    }
    this.#lastWarning = undefined;
    let jwks = this.#jwks.get(endpoints.jwksUri);
    if (!jwks) {
      jwks = new JwksCache({
        uri: endpoints.jwksUri,
        timeoutMs: this.#settings.timeoutMs,
        maxBytes: this.#settings.maxResponseBytes,
        logger: this.#logger,
      });
      this.#jwks.set(endpoints.jwksUri, jwks);
    }
    return { endpoints, jwks };
  }
}
