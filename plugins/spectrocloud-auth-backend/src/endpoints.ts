import { SpectroCloudConfigurationError } from './configurationError';
/**
 * Palette endpoint derivation from the configured authorization URL.
 *
 * Palette tenant endpoints live under an issuer such as
 * `https://console.spectrocloud.com/v1/oidc/tenant/<tenantUid>`: `<issuer>/auth` authorizes and
 * `<issuer>/token` exchanges codes. Only the FINAL path segment is ever considered: some URLs
 * contain an earlier `/auth` (e.g. `/v1/auth/org/<org>/oidc/authorize`) that must stay untouched.
 */

function splitFinalSegment(authorizationUrl: string): {
  url: URL;
  parent: string;
  last: string;
} {
  const url = new URL(authorizationUrl);
  // Ignore one trailing slash: `.../auth/` is the same endpoint as `.../auth`.
  const path = url.pathname.endsWith('/')
    ? url.pathname.slice(0, -1)
    : url.pathname;
  const index = path.lastIndexOf('/');
  return { url, parent: path.slice(0, index), last: path.slice(index + 1) };
}

/**
 * The issuer implied by an authorization URL: the URL without its final path segment, when that
 * segment is exactly `auth`; otherwise `undefined`. Query and fragment are dropped.
 *
 * @example `https://p/v1/oidc/tenant/t1/auth` -> `https://p/v1/oidc/tenant/t1`
 */
export function deriveIssuerUrl(authorizationUrl: string): string | undefined {
  const { url, parent, last } = splitFinalSegment(authorizationUrl);
  if (last !== 'auth') {
    return undefined;
  }
  return `${url.origin}${parent}`;
}

/**
 * The token endpoint implied by an authorization URL: its final path segment `auth` replaced by
 * `token`. Query and fragment are dropped.
 *
 * @throws Error when the final path segment is not exactly `auth` (configure `tokenUrl` then).
 */
export function deriveTokenUrl(authorizationUrl: string): string {
  const { url, parent, last } = splitFinalSegment(authorizationUrl);
  if (last !== 'auth') {
    throw new SpectroCloudConfigurationError(
      "SpectroCloud auth provider: cannot derive the token endpoint because the last path segment of 'authorizationUrl' is not 'auth'; configure 'tokenUrl'",
    );
  }
  return `${url.origin}${parent}/token`;
}

/** `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4). */
export function discoveryUrlForIssuer(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** `<issuer>/.well-known/jwks.json`, where Palette publishes its ID token signing keys. */
export function fallbackJwksUri(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
}

const WELL_KNOWN_SUFFIX = '/.well-known/openid-configuration';

/**
 * The issuer implied by a discovery document URL `<issuer>/.well-known/openid-configuration`
 * (OpenID Connect Discovery 1.0 §4.1), or `undefined` for any other URL.
 */
export function issuerFromMetadataUrl(metadataUrl: string): string | undefined {
  const url = new URL(metadataUrl);
  if (!url.pathname.endsWith(WELL_KNOWN_SUFFIX) || url.search || url.hash) {
    return undefined;
  }
  return `${url.origin}${url.pathname.slice(0, -WELL_KNOWN_SUFFIX.length)}`;
}

/**
 * The issuer the provider expects, compared EXACTLY with the discovery document's `issuer` and the
 * ID token's `iss`: the configured `issuer`; else, with `metadataUrl`, the issuer that URL implies
 * (`undefined` when it is not a `/.well-known/openid-configuration` URL: the document's own issuer
 * is then trusted); else the issuer derived from `authorizationUrl`.
 */
export function expectedIssuer(settings: {
  issuer?: string;
  metadataUrl?: string;
  authorizationUrl: string;
}): string | undefined {
  if (settings.issuer) {
    return settings.issuer;
  }
  if (settings.metadataUrl) {
    return issuerFromMetadataUrl(settings.metadataUrl);
  }
  return deriveIssuerUrl(settings.authorizationUrl);
}
