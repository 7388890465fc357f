import { Config } from '@backstage/config';
import { DEFAULT_MAX_RESPONSE_BYTES } from '@terasky/backstage-plugin-spectrocloud-token-cache/outbound';
import { readDurationSetting } from './durationSetting';
import { SpectroCloudConfigurationError } from './configurationError';
import {
  IdTokenValidationSettings,
  readIdTokenValidationSettings,
} from './idTokenSettings';

/** Default outbound HTTP timeout towards Palette, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Default scope requested from Palette. */
export const DEFAULT_SCOPE = 'openid profile email';

/** Client authentication methods accepted at the Palette token endpoint. */
export type TokenEndpointAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post';

const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
];

/**
 * How OIDC discovery is used:
 * - `auto`: use the discovery document when it can be fetched, else derived endpoints (retried
 *   after 60 s); an issuer mismatch always refuses sign-in;
 * - `required`: refuse sign-in while the document cannot be fetched or names another issuer;
 * - `off`: never fetch it; derived or configured endpoints only.
 */
export type DiscoveryMode = 'auto' | 'required' | 'off';

const DISCOVERY_MODES: readonly DiscoveryMode[] = ['auto', 'required', 'off'];

/**
 * The settings of one `auth.providers.spectrocloud.<env>` block, validated.
 */
export interface SpectroCloudProviderSettings
  extends IdTokenValidationSettings {
  clientId: string;
  clientSecret: string;
  authorizationUrl: string;
  /** Explicit token endpoint; wins over discovery and derivation. */
  tokenUrl?: string;
  /** Explicit discovery document URL. */
  metadataUrl?: string;
  /** Explicit expected issuer, compared exactly (no case folding, no trailing-slash tolerance). */
  issuer?: string;
  /** How OIDC discovery is used. */
  discovery: DiscoveryMode;
  /** Explicit JWKS URL; wins over discovery and derivation. */
  jwksUrl?: string;
  /** Space-separated scope, always containing `openid`. */
  scope: string;
  prompt?: string;
  /** Deadline of each outbound HTTP call (aborted when it passes), in MILLISECONDS. */
  timeoutMs: number;
  /** Largest accepted outbound response body, in BYTES (the call is aborted beyond it). */
  maxResponseBytes: number;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /**
   * Base URL of the Palette REST API (`GET <apiUrl>/v1/auth/refresh/<token>`), without a trailing
   * slash. Default: the origin of `authorizationUrl`.
   */
  apiUrl: string;
  /**
   * Renewal window in SECONDS: a refresh renews the Palette session token at Palette only when it
   * has this many seconds left or fewer. Default 300; at least 180 (the frontend's refresh margin).
   */
  sessionRenewalWindowSeconds: number;
  /**
   * Absolute session lifetime in SECONDS (Backstage's `sessionDuration` of the provider, default
   * {@link DEFAULT_SESSION_DURATION_SECONDS}): enforced from the session record, and the refresh
   * cookie's Max-Age.
   */
  sessionDurationSeconds: number;
  /** Palette logout URL handed to the browser by `POST /logout`, if configured. */
  logoutUrl?: string;
}

/** Default absolute session lifetime, in SECONDS (12 hours). */
export const DEFAULT_SESSION_DURATION_SECONDS = 12 * 3600;

/**
 * Reads Backstage's `sessionDuration` (`'12h'`, `'PT12H'`, `{ hours: 12 }`) in whole SECONDS;
 * default {@link DEFAULT_SESSION_DURATION_SECONDS}.
 * @throws SpectroCloudConfigurationError when it is not positive
 */
export function readSessionDurationSeconds(config: Config): number {
  const seconds = Math.floor(
    readDurationSetting(
      config,
      'sessionDuration',
      DEFAULT_SESSION_DURATION_SECONDS * 1000,
    )! / 1000,
  );
  if (seconds < 60) {
    throw new SpectroCloudConfigurationError(
      "SpectroCloud auth provider: 'sessionDuration' must be at least one minute",
    );
  }
  return seconds;
}

/** Default renewal window, in SECONDS (5 minutes). */
export const DEFAULT_SESSION_RENEWAL_WINDOW_SECONDS = 300;

/**
 * Smallest renewal window, in SECONDS: core-app-api's `OAuth2` refreshes a session when its
 * `expiresInSeconds` drops below 180; a smaller window would let it refresh without ever renewing.
 */
export const MIN_SESSION_RENEWAL_WINDOW_SECONDS = 180;

/**
 * Reads `sessionRenewalWindow` (a duration, `'5m'` or `{ minutes: 5 }`) in whole SECONDS, at
 * least {@link MIN_SESSION_RENEWAL_WINDOW_SECONDS}.
 */
export function readSessionRenewalWindowSeconds(config: Config): number {
  const seconds =
    readDurationSetting(
      config,
      'sessionRenewalWindow',
      DEFAULT_SESSION_RENEWAL_WINDOW_SECONDS * 1000,
    )! / 1000;
  if (seconds < MIN_SESSION_RENEWAL_WINDOW_SECONDS) {
    throw new SpectroCloudConfigurationError(
      `SpectroCloud auth provider: 'sessionRenewalWindow' must be at least ${MIN_SESSION_RENEWAL_WINDOW_SECONDS} seconds`,
    );
  }
  return Math.floor(seconds);
}

/** Reads an http(s) URL, kept exactly as configured. */
function readHttpUrl(config: Config, key: string, required: true): string;
function readHttpUrl(
  config: Config,
  key: string,
  required: false,
): string | undefined;
function readHttpUrl(
  config: Config,
  key: string,
  required: boolean,
): string | undefined {
  const value = required
    ? config.getString(key)
    : config.getOptionalString(key);
  if (value === undefined) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SpectroCloudConfigurationError(
      `SpectroCloud auth provider: '${key}' is not a valid URL`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SpectroCloudConfigurationError(
      `SpectroCloud auth provider: '${key}' must be an http(s) URL`,
    );
  }
  return value;
}

/** Reads `timeout` (a duration, `'5s'` or `{ seconds: 5 }`) in MILLISECONDS; default 10 000 ms. */
export function readTimeoutMs(config: Config): number {
  return readDurationSetting(config, 'timeout', DEFAULT_TIMEOUT_MS)!;
}

/** Reads `maxResponseBytes`: a positive whole number of BYTES; default 1 MiB. */
function readMaxResponseBytes(config: Config): number {
  const value =
    config.getOptionalNumber('maxResponseBytes') ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isInteger(value) || value < 1) {
    throw new SpectroCloudConfigurationError(
      `SpectroCloud auth provider: 'maxResponseBytes' must be a positive whole number of bytes`,
    );
  }
  return value;
}

/** Joins the configured scope with `openid` (always required), without duplicates. */
export function normalizeScope(...scopes: Array<string | undefined>): string {
  const all = new Set<string>(['openid']);
  for (const scope of scopes) {
    for (const part of (scope ?? '').split(/[\s,]+/)) {
      if (part) {
        all.add(part);
      }
    }
  }
  return [...all].join(' ');
}

/**
 * Reads and validates one `auth.providers.spectrocloud.<env>` block.
 *
 * @throws Error naming the offending key (never its value) on missing or invalid settings.
 */
export function readSpectroCloudProviderSettings(
  config: Config,
): SpectroCloudProviderSettings {
  const method =
    config.getOptionalString('tokenEndpointAuthMethod') ??
    'client_secret_basic';
  if (
    !TOKEN_ENDPOINT_AUTH_METHODS.includes(method as TokenEndpointAuthMethod)
  ) {
    throw new SpectroCloudConfigurationError(
      `SpectroCloud auth provider: 'tokenEndpointAuthMethod' must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(
        ', ',
      )}`,
    );
  }
  const discovery = config.getOptionalString('discovery') ?? 'auto';
  if (!DISCOVERY_MODES.includes(discovery as DiscoveryMode)) {
    throw new SpectroCloudConfigurationError(
      `SpectroCloud auth provider: 'discovery' must be one of ${DISCOVERY_MODES.join(
        ', ',
      )}`,
    );
  }
  const clientSecret = config.getString('clientSecret');
  if (!clientSecret) {
    throw new SpectroCloudConfigurationError(
      `SpectroCloud auth provider: 'clientSecret' is empty`,
    );
  }
  return {
    clientId: config.getString('clientId'),
    clientSecret,
    authorizationUrl: readHttpUrl(config, 'authorizationUrl', true),
    tokenUrl: readHttpUrl(config, 'tokenUrl', false),
    metadataUrl: readHttpUrl(config, 'metadataUrl', false),
    issuer: readHttpUrl(config, 'issuer', false),
    discovery: discovery as DiscoveryMode,
    jwksUrl: readHttpUrl(config, 'jwksUrl', false),
    ...readIdTokenValidationSettings(config),
    scope: normalizeScope(config.getOptionalString('scope') ?? DEFAULT_SCOPE),
    prompt: config.getOptionalString('prompt'),
    timeoutMs: readTimeoutMs(config),
    maxResponseBytes: readMaxResponseBytes(config),
    tokenEndpointAuthMethod: method as TokenEndpointAuthMethod,
    apiUrl: (
      readHttpUrl(config, 'apiUrl', false) ??
      new URL(readHttpUrl(config, 'authorizationUrl', true)).origin
    ).replace(/\/+$/, ''),
    sessionRenewalWindowSeconds: readSessionRenewalWindowSeconds(config),
    sessionDurationSeconds: readSessionDurationSeconds(config),
    logoutUrl: readHttpUrl(config, 'logoutUrl', false),
  };
}
