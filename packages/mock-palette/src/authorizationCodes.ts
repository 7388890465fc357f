import { randomBytes } from 'node:crypto';
import type { DemoUser } from './users';

/** Lifetime of an authorization code: 10 minutes, in milliseconds. */
export const AUTHORIZATION_CODE_LIFETIME_MS = 10 * 60 * 1000;

/** What an authorization code was issued for; checked at the token endpoint. */
export interface AuthorizationGrant {
  clientId: string;
  redirectUri: string;
  scope: string;
  nonce?: string;
  /** PKCE code challenge (S256 only) sent with the authorization request. */
  codeChallenge?: string;
  user: DemoUser;
  /** When the user approved, epoch seconds (the ID token `auth_time`). */
  authTime: number;
}

/** A random opaque authorization code (32 random bytes, base64url). */
export function randomAuthorizationCode(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * In-memory store of one-time authorization codes. A code is removed on its
 * first `consume`, whatever the outcome of the token request, and is unknown
 * after {@link AUTHORIZATION_CODE_LIFETIME_MS}.
 */
export class AuthorizationCodeStore {
  private readonly grants = new Map<
    string,
    { grant: AuthorizationGrant; expiresAt: number }
  >();

  constructor(private readonly now: () => number = Date.now) {}

  /** Remembers `code` for `grant` (expires in 10 minutes). */
  add(code: string, grant: AuthorizationGrant): void {
    const now = this.now();
    for (const [key, entry] of this.grants) {
      if (entry.expiresAt <= now) this.grants.delete(key);
    }
    this.grants.set(code, {
      grant,
      expiresAt: now + AUTHORIZATION_CODE_LIFETIME_MS,
    });
  }

  /**
   * Removes the code and returns its grant, or `undefined` when the code is
   * unknown, already used or expired.
   */
  consume(code: string): AuthorizationGrant | undefined {
    const entry = this.grants.get(code);
    if (!entry) return undefined;
    this.grants.delete(code);
    return entry.expiresAt > this.now() ? entry.grant : undefined;
  }
}
