import { decodeProtectedHeader } from 'jose';
import { randomBytes } from 'node:crypto';
import { SharedValueCipher } from './SharedValueCipher';

const OLD = randomBytes(32);
const NEW = randomBytes(32);
const KEY = 'token:abc';
const VALUE = {
  token: 'palette-session-token-value',
  expiresAt: 1_900_000_000,
};

describe('SharedValueCipher', () => {
  it('round-trips a value as a dir/A256GCM JWE that does not contain it', async () => {
    const cipher = new SharedValueCipher([OLD]);
    const jwe = await cipher.encrypt(KEY, VALUE);
    expect(jwe.split('.')).toHaveLength(5);
    expect(jwe).not.toContain(VALUE.token);
    expect(Buffer.from(jwe, 'utf8').toString()).not.toContain('palette');
    const header = decodeProtectedHeader(jwe);
    expect(header).toMatchObject({ alg: 'dir', enc: 'A256GCM' });
    expect(typeof header.kid).toBe('string');
    await expect(cipher.decrypt(KEY, jwe)).resolves.toEqual({
      status: 'ok',
      value: VALUE,
    });
  });

  it('uses a fresh 96-bit IV for every value', async () => {
    const cipher = new SharedValueCipher([OLD]);
    const a = (await cipher.encrypt(KEY, VALUE)).split('.');
    const b = (await cipher.encrypt(KEY, VALUE)).split('.');
    expect(Buffer.from(a[2], 'base64url')).toHaveLength(12);
    expect(a[2]).not.toBe(b[2]);
    expect(a[3]).not.toBe(b[3]);
  });

  it('rotates: the first key encrypts, every configured key decrypts', async () => {
    const before = new SharedValueCipher([OLD]);
    const after = new SharedValueCipher([NEW, OLD]);
    const old = await before.encrypt(KEY, VALUE);
    const fresh = await after.encrypt(KEY, VALUE);

    expect((await after.decrypt(KEY, old)).status).toBe('ok');
    expect(decodeProtectedHeader(fresh).kid).not.toBe(
      decodeProtectedHeader(old).kid,
    );
    expect(
      (await new SharedValueCipher([NEW]).decrypt(KEY, fresh)).status,
    ).toBe('ok');
    // A process that does not know the new key yet cannot read, and says why.
    await expect(before.decrypt(KEY, fresh)).resolves.toEqual({
      status: 'unknownKey',
    });
  });

  it('rejects a tampered ciphertext or tag (authentication tag checked)', async () => {
    const cipher = new SharedValueCipher([OLD]);
    const parts = (await cipher.encrypt(KEY, VALUE)).split('.');
    const flip = (s: string) => {
      const bytes = Buffer.from(s, 'base64url');
      bytes[0] ^= 0x01;
      return bytes.toString('base64url');
    };
    const badCiphertext = [...parts.slice(0, 3), flip(parts[3]), parts[4]];
    const badTag = [...parts.slice(0, 4), flip(parts[4])];
    await expect(cipher.decrypt(KEY, badCiphertext.join('.'))).resolves.toEqual(
      {
        status: 'corrupt',
      },
    );
    await expect(cipher.decrypt(KEY, badTag.join('.'))).resolves.toEqual({
      status: 'corrupt',
    });
  });

  it('refuses a value moved under another cache key', async () => {
    const cipher = new SharedValueCipher([OLD]);
    const jwe = await cipher.encrypt('token:bob', VALUE);
    await expect(cipher.decrypt('token:alice', jwe)).resolves.toEqual({
      status: 'corrupt',
    });
  });

  it('treats non-JWE values as corrupt', async () => {
    const cipher = new SharedValueCipher([OLD]);
    for (const value of ['not-a-jwe', 42, { token: 'x' }, 'a.b.c.d.e', '']) {
      await expect(cipher.decrypt(KEY, value)).resolves.toEqual({
        status: 'corrupt',
      });
    }
  });
});
