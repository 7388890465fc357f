import {
  calculateJwkThumbprint,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type KeyLike,
  SignJWT,
  UnsecuredJWT,
} from 'jose';

/** Options of {@link SigningKeys.sign} (see `MockPalette.signIdToken`). */
export interface SignIdTokenOptions {
  /**
   * Sign with a different, freshly generated RSA key that is not in the
   * JWKS (the header `kid` stays the mock's own unless `kid` is given), so
   * only the signature check can reject the token.
   */
  useForeignKey?: boolean;
  /**
   * JWS algorithm, default `RS256`. `RS384`/`RS512`/`PS256`/`PS384`/`PS512`
   * use the same RSA key; `HS256`/`HS384`/`HS512` use the public key's SPKI
   * PEM as the HMAC secret (the classic algorithm-confusion forgery);
   * `none` gives an unsigned JWT. Anything else throws.
   */
  alg?: string;
  /** Header `kid` to put in the token instead of the default. */
  kid?: string;
  /**
   * Put no `kid` in the header (ignored when `kid` is given). The mock's
   * token endpoint and `MockPalette.signIdToken` default it to
   * `settings.omitKeyId`.
   */
  omitKid?: boolean;
}

/** The mock's RS256 ID token signing key (rotatable). */
export interface SigningKeys {
  /** Key id of the current key: the RFC 7638 thumbprint of its public key. */
  readonly kid: string;
  /** The current public key as a JWK with `kid`, `alg: 'RS256'` and `use: 'sig'`. */
  readonly publicJwk: JWK;
  /**
   * The JWKS the mock publishes: the current public key (and the previous
   * one after `rotate({ keepPrevious: true })`) declared for `alg` (default
   * `RS256`); without `kid` members when `omitKid` is set.
   */
  jwks(omitKid?: boolean, alg?: string): { keys: JWK[] };
  /** Signs exactly the given claims (nothing is added) with the current key. */
  sign(
    claims: Record<string, unknown>,
    options?: SignIdTokenOptions,
  ): Promise<string>;
  /**
   * Replaces the signing key with a freshly generated one and returns its
   * `kid`. The previous key leaves the JWKS unless `keepPrevious` is set.
   */
  rotate(options?: { keepPrevious?: boolean }): Promise<string>;
}

interface KeyPair {
  kid: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
  publicJwk: JWK;
}

async function generateSigningKey(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return {
    kid,
    privateKey,
    publicKey,
    publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' },
  };
}

function withoutKid({ kid: _kid, ...jwk }: JWK): JWK {
  return jwk;
}

const RSA_ALGS = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
]);
const HMAC_ALGS = new Set(['HS256', 'HS384', 'HS512']);

/**
 * Generates a fresh RSA key pair (jose `generateKeyPair('RS256')`) for
 * signing ID tokens. Keys live only in memory for the life of the process.
 */
export async function createSigningKeys(): Promise<SigningKeys> {
  let current = await generateSigningKey();
  let previous: KeyPair | undefined;

  let foreignKey: Promise<KeyLike> | undefined;
  const getForeignKey = () => {
    foreignKey ??= generateKeyPair('RS256').then(pair => pair.privateKey);
    return foreignKey;
  };

  return {
    get kid() {
      return current.kid;
    },
    get publicJwk() {
      return current.publicJwk;
    },
    jwks(omitKid = false, alg = 'RS256') {
      const keys = [current, ...(previous ? [previous] : [])].map(k => ({
        ...k.publicJwk,
        alg,
      }));
      return { keys: omitKid ? keys.map(withoutKid) : keys };
    },
    async sign(claims, options = {}) {
      const alg = options.alg ?? 'RS256';
      const { privateKey, publicKey } = current;
      const headerKid =
        options.kid ?? (options.omitKid ? undefined : current.kid);
      if (alg === 'none') {
        return new UnsecuredJWT(claims).encode();
      }
      const jwt = new SignJWT(claims).setProtectedHeader({
        alg,
        ...(headerKid === undefined ? {} : { kid: headerKid }),
        typ: 'JWT',
      });
      if (RSA_ALGS.has(alg)) {
        return jwt.sign(
          options.useForeignKey ? await getForeignKey() : privateKey,
        );
      }
      if (HMAC_ALGS.has(alg)) {
        const pem = await exportSPKI(publicKey);
        return jwt.sign(new TextEncoder().encode(pem));
      }
      throw new Error(`signIdToken: unsupported alg '${alg}'`);
    },
    async rotate(options = {}) {
      const next = await generateSigningKey();
      previous = options.keepPrevious ? current : undefined;
      current = next;
      return current.kid;
    },
  };
}
