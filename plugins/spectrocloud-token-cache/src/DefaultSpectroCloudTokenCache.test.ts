import { SignJWT } from 'jose';
import { DefaultSpectroCloudTokenCache } from './DefaultSpectroCloudTokenCache';
import { createMemoryKeyValueStore, KeyValueStore } from './sessions/keyValue';
import { SessionStore } from './sessions/SessionStore';
import { SessionStoreUnavailableError } from './sessions/types';

const exp = () => Math.floor(Date.now() / 1000) + 900;

/** An HS256 token like Palette's session tokens, carrying `email`. */
function paletteToken(email: string) {
  return new SignJWT({ email })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(exp())
    .sign(new TextEncoder().encode('not-palettes-key-but-32-bytes-long'));
}

describe('DefaultSpectroCloudTokenCache.storeSessionToken', () => {
  it('refuses a token whose email claim names another user, and stores nothing', async () => {
    const cache = new DefaultSpectroCloudTokenCache(
      new SessionStore({ kv: createMemoryKeyValueStore(100) }),
    );
    await expect(
      cache.storeSessionToken({
        email: 'alice@example.com',
        token: await paletteToken('bob@example.com'),
        expiresAt: exp(),
        userEntityRef: 'user:default/alice',
      }),
    ).rejects.toThrow("the token's email claim names another user");
    await expect(
      cache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toBeUndefined();

    const own = await paletteToken(' Alice@Example.com');
    await cache.storeSessionToken({
      email: 'alice@example.com',
      token: own,
      expiresAt: exp(),
      userEntityRef: 'user:default/alice',
    });
    await expect(
      cache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toMatchObject({ token: own });
  });

  it('rejects when the shared store is down instead of pretending it stored the token', async () => {
    const inner = createMemoryKeyValueStore(100);
    const down = async () => {
      throw new SessionStoreUnavailableError();
    };
    const kv: KeyValueStore = {
      ...inner,
      set: down,
      setIfAbsent: down,
    };
    const cache = new DefaultSpectroCloudTokenCache(new SessionStore({ kv }));
    await expect(
      cache.storeSessionToken({
        email: 'alice@example.com',
        token: await paletteToken('alice@example.com'),
        expiresAt: exp(),
      }),
    ).rejects.toBeInstanceOf(SessionStoreUnavailableError);
  });
});

describe('DefaultSpectroCloudTokenCache.storeSessionToken lifetime', () => {
  it('keeps a stored token until its expiresAt, with or without a user entity ref', async () => {
    let now = Date.now();
    const clock = () => now;
    const cache = new DefaultSpectroCloudTokenCache(
      new SessionStore({
        kv: createMemoryKeyValueStore(100, clock),
        now: clock,
      }),
      clock,
    );
    const expiresAt = Math.floor(now / 1000) + 3600;
    await cache.storeSessionToken({
      email: 'alice@example.com',
      token: 'alice-token',
      expiresAt,
      userEntityRef: 'user:default/alice',
    });
    await cache.storeSessionToken({
      email: 'bob@example.com',
      token: 'bob-token',
      expiresAt,
    });

    now += 30 * 60 * 1000; // past the 10 minutes an unbound sign-in record is kept
    await expect(
      cache.getSessionTokenForUser('user:default/alice'),
    ).resolves.toMatchObject({ token: 'alice-token' });
    await expect(
      cache.getSessionTokenByEmail('bob@example.com'),
    ).resolves.toMatchObject({ token: 'bob-token' });

    now += 31 * 60 * 1000; // past expiresAt
    await expect(
      cache.getSessionTokenByEmail('bob@example.com'),
    ).resolves.toBeUndefined();
  });
});
