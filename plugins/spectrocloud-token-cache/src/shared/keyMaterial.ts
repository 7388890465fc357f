/** Length of every key of the shared tier, in bytes (AES-256 and HMAC-SHA256 keys). */
export const KEY_LENGTH_BYTES = 32;

const BASE64 = /^(?:[A-Za-z0-9+/]{43}=?|[A-Za-z0-9_-]{43}=?)$/;

/**
 * Decodes one configured key: the standard or URL-safe base64 encoding of exactly 32 random
 * bytes, e.g. the output of `openssl rand -base64 32`.
 *
 * @param value - the configured string
 * @param configKey - where it came from, e.g. `spectrocloud.tokenCache.encryptionKeys[0]`; used
 *   in the error message (the value itself never is)
 * @returns the 32 key bytes
 * @throws Error naming `configKey` when the value is not such a string
 */
export function parseKeyMaterial(value: unknown, configKey: string): Buffer {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  const bytes = BASE64.test(trimmed)
    ? Buffer.from(
        trimmed,
        trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64',
      )
    : undefined;
  if (!bytes || bytes.length !== KEY_LENGTH_BYTES) {
    throw new Error(
      `${configKey} must be the base64 encoding of exactly ${KEY_LENGTH_BYTES} random bytes ` +
        `(44 characters, e.g. the output of \`openssl rand -base64 32\`)`,
    );
  }
  return bytes;
}
