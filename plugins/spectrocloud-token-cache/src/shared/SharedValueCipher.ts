import { JsonObject } from '@backstage/types';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { createHash, createSecretKey, KeyObject } from 'node:crypto';

/** What {@link SharedValueCipher.decrypt} found. */
export type DecryptResult =
  | { status: 'ok'; value: JsonObject }
  /** Encrypted under a key this process is not configured with (e.g. mid-rotation). */
  | { status: 'unknownKey' }
  /** Not a JWE of ours, tampered with, bound to another cache key, or not JSON. */
  | { status: 'corrupt' };

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** A short, non-secret id of a key: the start of SHA-256 over a label and the key. */
function keyIdOf(key: Uint8Array): string {
  return createHash('sha256')
    .update('spectrocloud-token-cache key id\0')
    .update(key)
    .digest('base64url')
    .slice(0, 16);
}

/**
 * Encryption at rest of shared-tier values: JWE compact serialization with direct key agreement
 * (`alg: dir`) and AES-256-GCM (`enc: A256GCM`), done by `jose` (random 96-bit IV per value,
 * authentication tag verified on decryption). The protected header carries a `kid` derived from
 * the key, so rotation needs no trial decryption: the first key encrypts, every key decrypts.
 *
 * Each value is bound to the cache key it is stored under (inside the authenticated plaintext),
 * so an attacker who can write to the store cannot move one user's entry under another user's key.
 */
export class SharedValueCipher {
  readonly #encryptKey: KeyObject;
  readonly #encryptKid: string;
  readonly #keysById: Map<string, KeyObject>;

  /** @param keys - 32-byte AES keys; the first encrypts. @throws Error when empty */
  constructor(keys: Uint8Array[]) {
    if (keys.length === 0) {
      throw new Error('SharedValueCipher needs at least one key');
    }
    this.#keysById = new Map(keys.map(k => [keyIdOf(k), createSecretKey(k)]));
    this.#encryptKid = keyIdOf(keys[0]);
    this.#encryptKey = this.#keysById.get(this.#encryptKid)!;
  }

  /** Encrypts `value`, bound to `context` (the cache key). Returns a JWE compact string. */
  async encrypt(context: string, value: JsonObject): Promise<string> {
    const plaintext = textEncoder.encode(
      JSON.stringify({ c: context, v: value }),
    );
    return new CompactEncrypt(plaintext)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: this.#encryptKid })
      .encrypt(this.#encryptKey);
  }

  /** Decrypts a value written by {@link SharedValueCipher.encrypt} under the same `context`. */
  async decrypt(context: string, jwe: unknown): Promise<DecryptResult> {
    if (typeof jwe !== 'string') {
      return { status: 'corrupt' };
    }
    let kid: unknown;
    try {
      ({ kid } = decodeProtectedHeader(jwe));
    } catch {
      return { status: 'corrupt' };
    }
    const key = typeof kid === 'string' ? this.#keysById.get(kid) : undefined;
    if (!key) {
      return typeof kid === 'string'
        ? { status: 'unknownKey' }
        : { status: 'corrupt' };
    }
    try {
      const { plaintext } = await compactDecrypt(jwe, key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      const parsed = JSON.parse(textDecoder.decode(plaintext));
      if (
        parsed?.c !== context ||
        !parsed.v ||
        typeof parsed.v !== 'object' ||
        Array.isArray(parsed.v)
      ) {
        return { status: 'corrupt' };
      }
      return { status: 'ok', value: parsed.v };
    } catch {
      return { status: 'corrupt' };
    }
  }
}
