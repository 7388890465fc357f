import { createHmac } from 'node:crypto';

/**
 * Cache keys of the shared store without personal data or session ids:
 * `<kind>:<HMAC-SHA256(secret, kind \0 value)>`, base64url. The HMAC key is
 * `spectrocloud.tokenCache.keyHashSecret`, kept apart from the encryption keys so that rotating
 * those does not change any cache key.
 */
export class SharedKeyHasher {
  readonly #secret: Buffer;

  constructor(secret: Uint8Array) {
    this.#secret = Buffer.from(secret);
  }

  /** The cache key of `value` (a session id, normalised email, user entity ref, ...) of `kind`. */
  key(kind: string, value: string): string {
    const hash = createHmac('sha256', this.#secret)
      .update(`${kind}\0${value}`)
      .digest('base64url');
    return `${kind}:${hash}`;
  }
}
