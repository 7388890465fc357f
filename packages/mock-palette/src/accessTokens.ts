import { randomBytes } from 'node:crypto';
import type { DemoUser } from './users';

/** Most access tokens remembered for the userinfo endpoint; the oldest are forgotten first. */
export const MAX_ACCESS_TOKENS = 10_000;

/**
 * The opaque access tokens the token endpoint issued, for `GET {issuer}/userinfo`: a random
 * 32-byte base64url token per token response, remembered until its `expires_in` (seconds) is
 * over or {@link MAX_ACCESS_TOKENS} newer ones were issued.
 */
export class AccessTokenStore {
  private readonly tokens = new Map<
    string,
    { user: DemoUser; expiresAt: number }
  >();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new access token for `user`, valid for `lifetimeSeconds`. */
  issue(user: DemoUser, lifetimeSeconds: number): string {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, {
      user,
      expiresAt: this.now() + lifetimeSeconds * 1000,
    });
    while (this.tokens.size > MAX_ACCESS_TOKENS) {
      this.tokens.delete(this.tokens.keys().next().value as string);
    }
    return token;
  }

  /** The user of a known, unexpired access token, else `undefined`. */
  userOf(token: string): DemoUser | undefined {
    const entry = this.tokens.get(token);
    if (!entry || entry.expiresAt <= this.now()) return undefined;
    return entry.user;
  }
}
