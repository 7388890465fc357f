import { randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { DemoUser } from './users';

/** Claims of a mock Palette session token (times in epoch seconds). */
export interface SessionTokenClaims {
  email: string;
  uid: string;
  tenantUid: string;
  iat: number;
  exp: number;
}

/** Issues and checks Palette session tokens (HS256 JWTs). */
export interface SessionTokens {
  /**
   * Issues a session token `{ email, uid, tenantUid, iat, exp, jti }` for the
   * user, expiring `lifetimeSeconds` from now (negative = already expired).
   * The random `jti` makes every token unique, even within one second.
   */
  issue(user: DemoUser, lifetimeSeconds: number): Promise<string>;
  /**
   * Returns the claims of a token signed by this process and not expired,
   * else `undefined` (never throws).
   */
  verify(token: string): Promise<SessionTokenClaims | undefined>;
}

/**
 * Creates the session token issuer of one mock tenant. Like real Palette,
 * tokens are HS256 JWTs whose key only the server knows: here a random
 * 32-byte secret generated per process.
 */
export function createSessionTokens(tenantUid: string): SessionTokens {
  const secret = randomBytes(32);
  return {
    async issue(user, lifetimeSeconds) {
      const iat = Math.floor(Date.now() / 1000);
      return new SignJWT({
        email: user.email,
        uid: user.uid,
        tenantUid,
        iat,
        exp: iat + lifetimeSeconds,
        jti: randomUUID(),
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(secret);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: ['HS256'],
          requiredClaims: ['exp'],
        });
        const { email, uid, iat, exp } = payload;
        if (
          typeof email !== 'string' ||
          typeof uid !== 'string' ||
          typeof exp !== 'number' ||
          payload.tenantUid !== tenantUid
        ) {
          return undefined;
        }
        return { email, uid, tenantUid, iat: iat ?? 0, exp };
      } catch {
        return undefined;
      }
    },
  };
}
