import { decodeProtectedHeader, JWTPayload, jwtVerify } from 'jose';
import { JwksCache } from './jwks';

/**
 * An ID token failed validation. Its message is fixed text naming the rule (never a claim value,
 * the token or the expected nonce), safe to show to users and to log.
 */
export class IdTokenValidationError extends Error {
  constructor(rule: string) {
    super(`ID token validation failed: ${rule}`);
    this.name = 'IdTokenValidationError';
  }
}

/** What an ID token must satisfy (OpenID Connect Core 1.0 §3.1.3.7). */
export interface IdTokenExpectations {
  /** The expected `iss`, compared exactly. */
  issuer: string;
  /** The client id: must be in `aud`, and equal `azp` when present. */
  clientId: string;
  /** Allowed JWS algorithms (never `none` or HMAC; see `idTokenSettings`). */
  algorithms: string[];
  /** Tolerance for `exp`, `nbf` and `auth_time`, in SECONDS. */
  clockToleranceSeconds: number;
  /** The nonce sent in the authorization request; the token must carry exactly this value. */
  nonce: string;
  /** The `max_age` sent, in SECONDS: `auth_time` is then required and checked. */
  maxAgeSeconds?: number;
  /** Current time in epoch SECONDS (tests). */
  now?: number;
}

const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat'];

/** Fixed messages for jose's claim validation failures, by claim and reason. */
function claimRule(claim: unknown, reason: unknown): string {
  const name =
    typeof claim === 'string' && /^[a-z_]{1,16}$/.test(claim)
      ? claim
      : 'a required';
  if (reason === 'missing') {
    return `missing ${name} claim`;
  }
  if (reason === 'invalid') {
    return `malformed ${name} claim`;
  }
  switch (claim) {
    case 'iss':
      return 'issuer mismatch';
    case 'aud':
      return 'audience mismatch';
    case 'nbf':
      return 'the ID token is not valid yet';
    case 'exp':
      return 'the ID token has expired';
    default:
      return `${name} claim check failed`;
  }
}

/**
 * A bad signature, or no usable key in the provider's JWKS. Its message is fixed text starting
 * with `ID token signature verification failed`.
 */
export class IdTokenSignatureError extends Error {
  constructor(detail?: string) {
    super(
      `ID token signature verification failed${detail ? `: ${detail}` : ''}`,
    );
    this.name = 'IdTokenSignatureError';
  }
}

function algorithmNotAllowed(algorithms: string[]): IdTokenValidationError {
  return new IdTokenValidationError(
    `the ID token is not signed with an allowed algorithm (${algorithms.join(
      ', ',
    )})`,
  );
}

/** Maps a jose error to a typed error with a fixed message; other errors pass unchanged. */
function fromJoseError(error: unknown, algorithms: string[]): unknown {
  const { code, claim, reason } = (error ?? {}) as {
    code?: unknown;
    claim?: unknown;
    reason?: unknown;
  };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new IdTokenValidationError('the ID token has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return new IdTokenValidationError(claimRule(claim, reason));
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new IdTokenSignatureError();
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return new IdTokenSignatureError('no matching key in the Palette JWKS');
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new IdTokenSignatureError(
        'several keys in the Palette JWKS match and the ID token names no kid',
      );
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return algorithmNotAllowed(algorithms);
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return new IdTokenValidationError('malformed ID token');
    case 'ERR_JWKS_INVALID':
      return new IdTokenSignatureError(
        'the Palette JWKS holds an unusable key',
      );
    default:
      return error;
  }
}

function checkAuthorizedParty(payload: JWTPayload, clientId: string): void {
  const { aud, azp } = payload as JWTPayload & { azp?: unknown };
  if (Array.isArray(aud) && aud.length > 1 && azp === undefined) {
    throw new IdTokenValidationError(
      'the ID token has several audiences and no azp claim',
    );
  }
  if (azp !== undefined && azp !== clientId) {
    throw new IdTokenValidationError('authorized party (azp) mismatch');
  }
}

function checkAuthTime(
  payload: JWTPayload,
  maxAgeSeconds: number,
  toleranceSeconds: number,
  now: number,
): void {
  const authTime = (payload as { auth_time?: unknown }).auth_time;
  if (authTime === undefined) {
    throw new IdTokenValidationError('missing auth_time claim');
  }
  if (typeof authTime !== 'number' || !Number.isFinite(authTime)) {
    throw new IdTokenValidationError('malformed auth_time claim');
  }
  if (authTime + maxAgeSeconds < now - toleranceSeconds) {
    throw new IdTokenValidationError(
      'the user authenticated longer ago than maxAge allows',
    );
  }
}

/**
 * Validates an ID token of the authorization code flow (OpenID Connect Core 1.0 §3.1.3.7) and
 * returns its claims.
 *
 * @remarks
 * With jose: the header `alg` must be in `algorithms` (checked before any key is fetched); the
 * signature is verified with a key of the provider's JWKS (`jwks`, which refetches once on an
 * unknown key); `iss` must equal `issuer` exactly; `aud` must contain `clientId`; `iss`, `sub`,
 * `aud`, `exp` and `iat` are required, `exp`, `iat` and `nbf` must be numbers; `exp` must be in the
 * future and `nbf` (when present) in the past, both with `clockToleranceSeconds`. Then: `sub` must
 * be a non-empty string; several audiences require `azp`, and `azp` (when present) must equal
 * `clientId`; `nonce` must equal the nonce sent (missing = failure); with `maxAgeSeconds`,
 * `auth_time` is required and must be no older than that (with the tolerance). `at_hash` is not
 * checked: the access token of the response is not used.
 *
 * @throws IdTokenValidationError for a claim or format rule, IdTokenSignatureError for a bad
 *   signature or no usable key, JwksFetchError when the JWKS cannot be fetched.
 */
export async function validateIdToken(
  idToken: string,
  jwks: JwksCache,
  expected: IdTokenExpectations,
): Promise<JWTPayload> {
  const { algorithms } = expected;
  let header: { alg?: unknown; kid?: unknown };
  try {
    if (idToken.split('.').length !== 3) {
      throw new TypeError('not a JWS in compact serialization');
    }
    header = decodeProtectedHeader(idToken);
  } catch {
    throw new IdTokenValidationError('malformed ID token');
  }
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) {
    throw algorithmNotAllowed(algorithms);
  }
  const now = expected.now ?? Math.floor(Date.now() / 1000);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwks.verifyWith(
      typeof header.kid === 'string' ? header.kid : undefined,
      getKey =>
        jwtVerify(idToken, getKey, {
          algorithms,
          issuer: expected.issuer,
          audience: expected.clientId,
          clockTolerance: expected.clockToleranceSeconds,
          requiredClaims: REQUIRED_CLAIMS,
          currentDate: new Date(now * 1000),
        }),
    ));
  } catch (error) {
    throw fromJoseError(error, algorithms);
  }
  if (typeof payload.sub !== 'string' || !payload.sub) {
    throw new IdTokenValidationError('malformed sub claim');
  }
  checkAuthorizedParty(payload, expected.clientId);
  const nonce = (payload as { nonce?: unknown }).nonce;
  if (nonce === undefined) {
    throw new IdTokenValidationError('missing nonce claim');
  }
  if (nonce !== expected.nonce) {
    throw new IdTokenValidationError('nonce mismatch');
  }
  if (expected.maxAgeSeconds !== undefined) {
    checkAuthTime(
      payload,
      expected.maxAgeSeconds,
      expected.clockToleranceSeconds,
      now,
    );
  }
  return payload;
}
