import { SignJWT, generateKeyPair } from 'jose';
import {
  findPaletteSessionToken,
  readPaletteSessionToken,
  sessionTokenBelongsTo,
} from './sessionToken';

const hs = new TextEncoder().encode('0123456789abcdef0123456789abcdef');

async function hs256(claims: Record<string, unknown>) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(hs);
}

describe('Palette session token detection', () => {
  it('reads an HS256 JWT and its exp', async () => {
    const token = await hs256({ email: 'a@example.com', exp: 2_000_000_000 });
    expect(readPaletteSessionToken(token)).toEqual({
      token,
      expiresAt: 2_000_000_000,
    });
  });

  it('ignores opaque strings, RS256 JWTs and JWTs without exp', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const rs = await new SignJWT({ exp: 2_000_000_000 })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    expect(readPaletteSessionToken('opaque-code')).toBeUndefined();
    expect(readPaletteSessionToken('a.b.c')).toBeUndefined();
    expect(readPaletteSessionToken(undefined)).toBeUndefined();
    expect(readPaletteSessionToken(rs)).toBeUndefined();
    expect(
      readPaletteSessionToken(await hs256({ email: 'x' })),
    ).toBeUndefined();
  });

  it('prefers the refresh_token, then the code', async () => {
    const fromRefresh = await hs256({ exp: 2_000_000_001 });
    const fromCode = await hs256({ exp: 2_000_000_002 });
    expect(
      findPaletteSessionToken({ refreshToken: fromRefresh, code: fromCode })
        ?.token,
    ).toBe(fromRefresh);
    expect(
      findPaletteSessionToken({ refreshToken: 'opaque', code: fromCode })
        ?.token,
    ).toBe(fromCode);
    expect(
      findPaletteSessionToken({ refreshToken: 'opaque', code: 'opaque' }),
    ).toBeUndefined();
  });

  it('attributes a session token to the verified email only when its email claim agrees', async () => {
    const read = async (claims: Record<string, unknown>) =>
      readPaletteSessionToken(await hs256({ exp: 2_000_000_000, ...claims }))!;
    const verified = 'alice@example.com';
    expect(
      sessionTokenBelongsTo(
        await read({ email: 'alice@example.com' }),
        verified,
      ),
    ).toBe(true);
    expect(
      sessionTokenBelongsTo(
        await read({ email: ' ALICE@example.com' }),
        verified,
      ),
    ).toBe(true);
    expect(
      sessionTokenBelongsTo(await read({ email: 'bob@example.com' }), verified),
    ).toBe(false);
    expect(
      sessionTokenBelongsTo(
        await read({ email: 'alice@example.com.evil' }),
        verified,
      ),
    ).toBe(false);
    expect(sessionTokenBelongsTo(await read({}), verified)).toBe(true);
  });
});
