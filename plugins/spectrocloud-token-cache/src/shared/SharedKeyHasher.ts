import { createHmac } from 'node:crypto';
import { normalizeEmail } from '../normalizeEmail';

/**
 * Cache keys of the shared tier without personal data: `token:<HMAC-SHA256(secret, email)>` and
 * `user:<HMAC-SHA256(secret, userEntityRef)>`, base64url. The HMAC key is
 * `spectrocloud.tokenCache.keyHashSecret`, kept apart from the encryption keys so that rotating
 * those does not change any cache key.
 */
export class SharedKeyHasher {
  readonly #secret: Buffer;

  constructor(secret: Uint8Array) {
    this.#secret = Buffer.from(secret);
  }

  /** Key of the session token entry of `email` (normalised first). */
  tokenKey(email: string): string {
    return `token:${this.#hash('email', normalizeEmail(email))}`;
  }

  /** Key of the user entity ref to email link of `userEntityRef`. */
  userKey(userEntityRef: string): string {
    return `user:${this.#hash('user', userEntityRef)}`;
  }

  #hash(kind: string, value: string): string {
    return createHmac('sha256', this.#secret)
      .update(`${kind}\0${value}`)
      .digest('base64url');
  }
}
