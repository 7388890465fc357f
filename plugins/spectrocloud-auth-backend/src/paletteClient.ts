import { LoggerService } from '@backstage/backend-plugin-api';
import {
  BaseClient,
  custom,
  CustomHttpOptionsProvider,
  Issuer,
  IssuerMetadata,
} from 'openid-client';
import { SpectroCloudProviderSettings } from './config';
import { SpectroCloudConfigurationError } from './configurationError';
import { fetchDiscoveryDocument } from './discovery';
import {
  deriveIssuerUrl,
  deriveTokenUrl,
  discoveryUrlForIssuer,
  fallbackJwksUri,
} from './endpoints';

/** Clock tolerance for ID token time claims, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** How long a client built from derived endpoints (discovery failed) is reused, in ms. */
export const DISCOVERY_RETRY_AFTER_MS = 60_000;

/** The resolved Palette endpoints. */
export interface PaletteEndpoints {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  /** `true` when they came from a discovery document, `false` when derived. */
  discovered: boolean;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Combines the configuration with a discovery document (or its absence) into endpoints.
 * Precedence for the token endpoint: `tokenUrl` > discovery `token_endpoint` > derived.
 * The authorization endpoint is always the configured `authorizationUrl`.
 *
 * @throws Error on an issuer mismatch, or when the token endpoint or issuer cannot be derived
 */
export function resolvePaletteEndpoints(
  settings: SpectroCloudProviderSettings,
  discovered: IssuerMetadata | undefined,
): PaletteEndpoints {
  const derivedIssuer = deriveIssuerUrl(settings.authorizationUrl);
  if (discovered) {
    if (
      !settings.metadataUrl &&
      derivedIssuer &&
      trimSlash(discovered.issuer) !== trimSlash(derivedIssuer)
    ) {
      throw new SpectroCloudConfigurationError(
        'SpectroCloud auth provider: the discovery document names a different issuer than the one derived from authorizationUrl; configure metadataUrl explicitly if that is intended',
      );
    }
    const tokenEndpoint =
      settings.tokenUrl ??
      discovered.token_endpoint ??
      deriveTokenUrl(settings.authorizationUrl);
    return {
      issuer: discovered.issuer,
      authorizationEndpoint: settings.authorizationUrl,
      tokenEndpoint,
      jwksUri: discovered.jwks_uri ?? fallbackJwksUri(discovered.issuer),
      discovered: true,
    };
  }
  if (!derivedIssuer) {
    throw new SpectroCloudConfigurationError(
      "SpectroCloud auth provider: OIDC discovery failed and the issuer cannot be derived because the last path segment of 'authorizationUrl' is not 'auth'",
    );
  }
  return {
    issuer: derivedIssuer,
    authorizationEndpoint: settings.authorizationUrl,
    tokenEndpoint:
      settings.tokenUrl ?? deriveTokenUrl(settings.authorizationUrl),
    jwksUri: fallbackJwksUri(derivedIssuer),
    discovered: false,
  };
}

/**
 * Builds the openid-client `Client` for Palette, with per-instance HTTP timeouts (never the
 * process-global defaults), RS256 ID tokens and a 5 s clock tolerance.
 */
export function createPaletteClient(
  settings: SpectroCloudProviderSettings,
  callbackUrl: string,
  metadata: IssuerMetadata,
  endpoints: PaletteEndpoints,
): BaseClient {
  const httpOptions: CustomHttpOptionsProvider = () => ({
    timeout: settings.timeoutMs,
  });
  const issuer = new Issuer({
    ...metadata,
    issuer: endpoints.issuer,
    authorization_endpoint: endpoints.authorizationEndpoint,
    token_endpoint: endpoints.tokenEndpoint,
    jwks_uri: endpoints.jwksUri,
  });
  issuer[custom.http_options] = httpOptions;
  const client = new issuer.Client({
    client_id: settings.clientId,
    client_secret: settings.clientSecret,
    redirect_uris: [callbackUrl],
    response_types: ['code'],
    token_endpoint_auth_method: settings.tokenEndpointAuthMethod,
    id_token_signed_response_alg: 'RS256',
  });
  client[custom.http_options] = httpOptions;
  client[custom.clock_tolerance] = CLOCK_TOLERANCE_SECONDS;
  return client;
}

/** What {@link PaletteClientProvider.getClient} resolves to. */
export interface ResolvedPaletteClient {
  client: BaseClient;
  endpoints: PaletteEndpoints;
}

/**
 * Resolves (once) and caches the Palette client of one provider instance. A client built after a
 * successful discovery is kept; a client built from derived endpoints because discovery failed is
 * reused for {@link DISCOVERY_RETRY_AFTER_MS} only, after which discovery is tried again.
 * Configuration errors are not cached either: every flow retries.
 */
export class PaletteClientProvider {
  readonly #settings: SpectroCloudProviderSettings;
  readonly #callbackUrl: string;
  readonly #logger?: LoggerService;
  #cached?: { value: Promise<ResolvedPaletteClient>; expiresAt: number };

  constructor(options: {
    settings: SpectroCloudProviderSettings;
    callbackUrl: string;
    logger?: LoggerService;
  }) {
    this.#settings = options.settings;
    this.#callbackUrl = options.callbackUrl;
    this.#logger = options.logger;
  }

  /** The discovery URL this provider uses, or `undefined` when none can be determined. */
  get discoveryUrl(): string | undefined {
    if (this.#settings.metadataUrl) {
      return this.#settings.metadataUrl;
    }
    const issuer = deriveIssuerUrl(this.#settings.authorizationUrl);
    return issuer ? discoveryUrlForIssuer(issuer) : undefined;
  }

  /**
   * The Palette client; discovery runs on first use (bounded by the configured timeout).
   * @throws Error when no usable endpoints can be determined (a configuration problem)
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
        if (!resolved.endpoints.discovered) {
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

  async #resolve(): Promise<ResolvedPaletteClient> {
    let metadata: IssuerMetadata | undefined;
    const discoveryUrl = this.discoveryUrl;
    if (discoveryUrl) {
      try {
        metadata = await fetchDiscoveryDocument(
          discoveryUrl,
          this.#settings.timeoutMs,
        );
      } catch (error) {
        this.#logger?.warn(
          `SpectroCloud auth provider: ${
            (error as Error).message
          }; using endpoints derived from the configuration`,
        );
      }
    }
    const endpoints = resolvePaletteEndpoints(this.#settings, metadata);
    const client = createPaletteClient(
      this.#settings,
      this.#callbackUrl,
      metadata ?? { issuer: endpoints.issuer },
      endpoints,
    );
    return { client, endpoints };
  }
}
