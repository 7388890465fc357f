import { Config } from '@backstage/config';
import { readDurationSetting } from './durationSetting';
import { SpectroCloudConfigurationError } from './configurationError';

/** Default ID token signing algorithm allow-list. */
export const DEFAULT_ID_TOKEN_SIGNING_ALGS: readonly string[] = ['RS256'];

/** Default clock tolerance for ID token time claims, in SECONDS. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;

/** Largest accepted `clockToleranceSeconds`, in SECONDS. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;

/**
 * Asymmetric JWS algorithms an ID token may be signed with (RFC 7518 §3, RFC 8037). `none` and
 * the HMAC algorithms are deliberately absent: an HMAC ID token would be keyed with the client
 * secret, and `none` is unsigned.
 */
export const SUPPORTED_ID_TOKEN_SIGNING_ALGS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** The ID token validation part of the provider settings. */
export interface IdTokenValidationSettings {
  /** JWS algorithms accepted for the ID token signature (never `none` or HMAC). */
  idTokenSigningAlgs: string[];
  /** Clock tolerance for `exp`, `nbf` and `auth_time`, in SECONDS. */
  clockToleranceSeconds: number;
  /** OIDC `max_age` sent with every authorization request, in SECONDS; unset = not sent. */
  maxAgeSeconds?: number;
  /** The ID token claim that holds the user's email address (default `email`). */
  emailClaim: string;
  /** Accept an ID token that says `email_verified: false` (default `false`). */
  allowUnverifiedEmail: boolean;
}

function configError(message: string): SpectroCloudConfigurationError {
  return new SpectroCloudConfigurationError(
    `SpectroCloud auth provider: ${message}`,
  );
}

function readAlgorithms(config: Config): string[] {
  const algs =
    config.getOptionalStringArray('idTokenSigningAlgs') ??
    DEFAULT_ID_TOKEN_SIGNING_ALGS;
  if (algs.length === 0) {
    throw configError(`'idTokenSigningAlgs' must name at least one algorithm`);
  }
  for (const alg of algs) {
    if (alg.toLowerCase() === 'none' || /^HS\d+$/i.test(alg)) {
      throw configError(
        `'idTokenSigningAlgs' must not contain 'none' or an HMAC algorithm (HS256, HS384, HS512): ID tokens must be signed with an asymmetric key from the provider's JWKS`,
      );
    }
    if (!SUPPORTED_ID_TOKEN_SIGNING_ALGS.includes(alg)) {
      throw configError(
        `'idTokenSigningAlgs' contains an unsupported algorithm; supported: ${SUPPORTED_ID_TOKEN_SIGNING_ALGS.join(
          ', ',
        )}`,
      );
    }
  }
  return [...new Set(algs)];
}

function readClockTolerance(config: Config): number {
  const value =
    config.getOptionalNumber('clockToleranceSeconds') ??
    DEFAULT_CLOCK_TOLERANCE_SECONDS;
  if (
    !Number.isFinite(value) ||
    value < 0 ||
    value > MAX_CLOCK_TOLERANCE_SECONDS
  ) {
    throw configError(
      `'clockToleranceSeconds' must be a number of seconds from 0 to ${MAX_CLOCK_TOLERANCE_SECONDS}`,
    );
  }
  return value;
}

/**
 * Reads `maxAge`: a duration (`'15m'`, `'PT15M'`, `{ minutes: 15 }`; a bare number is refused) in
 * whole SECONDS (rounded down); `'0s'` forces a fresh login every time.
 */
function readMaxAgeSeconds(config: Config): number | undefined {
  const ms = readDurationSetting(config, 'maxAge', undefined, true);
  return ms === undefined ? undefined : Math.floor(ms / 1000);
}

function readEmailClaim(config: Config): string {
  const claim = config.getOptionalString('emailClaim') ?? 'email';
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(claim)) {
    throw configError(`'emailClaim' must be a claim name`);
  }
  return claim;
}

/**
 * Reads the ID token validation settings of one provider block: `idTokenSigningAlgs` (default
 * `['RS256']`), `clockToleranceSeconds` (default 5), `maxAge` (unset), `emailClaim` (default
 * `email`) and `allowUnverifiedEmail` (default `false`).
 *
 * @throws SpectroCloudConfigurationError naming the key (never a value) when one is invalid, in
 *   particular when `idTokenSigningAlgs` contains `none` or an HMAC algorithm.
 */
export function readIdTokenValidationSettings(
  config: Config,
): IdTokenValidationSettings {
  const maxAgeSeconds = readMaxAgeSeconds(config);
  return {
    idTokenSigningAlgs: readAlgorithms(config),
    clockToleranceSeconds: readClockTolerance(config),
    ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }),
    emailClaim: readEmailClaim(config),
    allowUnverifiedEmail:
      config.getOptionalBoolean('allowUnverifiedEmail') ?? false,
  };
}
