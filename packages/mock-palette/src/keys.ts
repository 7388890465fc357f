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
}

/** The mock's RS256 ID token signing key. */
export interface SigningKeys {
  /** Key id: the RFC 7638 thumbprint of the public key. */
  kid: string;
  /** The public key as a JWK with `kid`, `alg: 'RS256'` and `use: 'sig'`. */
  publicJwk: JWK;
  /** Signs exactly the given claims (nothing is added). */
  sign(
    claims: Record<string, unknown>,
    options?: SignIdTokenOptions,
  ): Promise<string>;
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
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const publicJwk: JWK = { ...jwk, kid, alg: 'RS256', use: 'sig' };

  let foreignKey: Promise<KeyLike> | undefined;
  const getForeignKey = () => {
    foreignKey ??= generateKeyPair('RS256').then(pair => pair.privateKey);
    return foreignKey;
  };

  return {
    kid,
    publicJwk,
    async sign(claims, options = {}) {
      const alg = options.alg ?? 'RS256';
      const headerKid = options.kid ?? kid;
      if (alg === 'none') {
        return new UnsecuredJWT(claims).encode();
      }
      const jwt = new SignJWT(claims).setProtectedHeader({
        alg,
        kid: headerKid,
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
  };
}
