import { mockServices } from '@backstage/backend-test-utils';
import {
  describeWithServices,
  RedisServer,
  startRedisServer,
} from '@internal/test-services';
import {
  keyvRedisConnection,
  randomKey,
  rawRedisClient,
  rawRedisKey,
} from '../__testUtils__/keyvRedis';
import { DefaultSpectroCloudTokenCache } from '../DefaultSpectroCloudTokenCache';
import { getGlobalTokenMap } from '../globalTokenMap';
import { InProcessTokenStore } from '../InProcessTokenStore';
import { SharedKeyHasher } from './SharedKeyHasher';
import { SharedTokenStore, SharedTokenStoreOptions } from './SharedTokenStore';

// Against a real redis-server of its own (@internal/test-services), emptied before each test.
const NAMESPACE = 'spectrocloud-token-cache';
const KEY_A = randomKey();
const KEY_B = randomKey();
const HASH_SECRET = randomKey();
const ALICE = 'alice@example.com';
const ALICE_REF = 'user:default/alice';
// Opaque test value standing in for an HS256 Palette session token.
const ALICE_TOKEN = 'palette-session-token-of-alice.zz9Plural';

const nowSeconds = () => Math.floor(Date.now() / 1000);

describeWithServices('redis')('SharedTokenStore on Redis', () => {
  let redis: RedisServer;
  const closers: Array<() => Promise<void>> = [];
  let raw: Awaited<ReturnType<typeof rawRedisClient>>;
  const logger = mockServices.logger.mock();

  function store(options: Partial<SharedTokenStoreOptions> = {}) {
    const { connection, close } = keyvRedisConnection(redis.url, NAMESPACE);
    closers.push(close);
    return new SharedTokenStore({
      connect: () => connection,
      encryptionKeys: [KEY_A],
      keyHashSecret: HASH_SECRET,
      logger,
      ...options,
    });
  }

  /** Every key of this run and its raw value, as a plain Redis client sees them. */
  async function rawEntries(): Promise<Map<string, string>> {
    const keys = await raw.keys(`${NAMESPACE}:*`);
    const values = await Promise.all(keys.map(k => raw.get(k)));
    return new Map(keys.map((k, i) => [k, values[i] ?? '']));
  }

  beforeAll(async () => {
    redis = await startRedisServer();
    raw = await rawRedisClient(redis.url);
  });
  beforeEach(async () => {
    jest.clearAllMocks();
    getGlobalTokenMap().clear();
    await raw.flushAll();
  });
  afterAll(async () => {
    await Promise.all(closers.map(close => close()));
    await raw?.disconnect();
    await redis?.stop();
  });

  it('round-trips a token and the user link, with TTL = remaining lifetime', async () => {
    const shared = store();
    const expiresAt = nowSeconds() + 900;
    await shared.setEntry(
      'Alice@Example.com',
      { token: ALICE_TOKEN, expiresAt },
      ALICE_REF,
    );

    await expect(shared.getEntry(ALICE)).resolves.toEqual({
      token: ALICE_TOKEN,
      expiresAt,
    });
    await expect(shared.getEmailForUser(ALICE_REF)).resolves.toBe(ALICE);
    await expect(shared.getEntry('bob@example.com')).resolves.toBeUndefined();
    await expect(
      shared.getEmailForUser('user:default/bob'),
    ).resolves.toBeUndefined();

    const keys = new SharedKeyHasher(HASH_SECRET);
    for (const key of [keys.tokenKey(ALICE), keys.userKey(ALICE_REF)]) {
      const ttl = await raw.pTTL(rawRedisKey(NAMESPACE, key));
      expect(ttl).toBeGreaterThan(895_000);
      expect(ttl).toBeLessThanOrEqual(900_000);
    }

    await shared.deleteEntry(ALICE);
    await shared.deleteUser(ALICE_REF);
    expect((await rawEntries()).size).toBe(0);
  });

  it('stores neither the token nor the email nor the user ref in plain text, keys included', async () => {
    const shared = store();
    await shared.setEntry(
      ALICE,
      { token: ALICE_TOKEN, expiresAt: nowSeconds() + 900 },
      ALICE_REF,
    );

    const entries = await rawEntries();
    expect(entries.size).toBe(2);
    const forbidden = [ALICE_TOKEN, ALICE, 'alice', ALICE_REF, 'zz9Plural'];
    const encodings = (s: string) => [
      s,
      Buffer.from(s).toString('base64'),
      Buffer.from(s).toString('base64url'),
    ];
    for (const [key, value] of entries) {
      const decodedKey = Buffer.from(
        key.slice(NAMESPACE.length + 1),
        'base64',
      ).toString();
      expect(decodedKey).toMatch(/^(token|user):[\w-]{43}$/);
      for (const secret of forbidden) {
        for (const text of [key, decodedKey, value]) {
          for (const encoded of encodings(secret)) {
            expect(text).not.toContain(encoded);
          }
        }
      }
      // Keyv's envelope around a JWE compact serialization (dir + A256GCM).
      const jwe = JSON.parse(value).value as string;
      expect(jwe.split('.')).toHaveLength(5);
      expect(
        JSON.parse(Buffer.from(jwe.split('.')[0], 'base64url').toString()),
      ).toMatchObject({
        alg: 'dir',
        enc: 'A256GCM',
      });
    }
  });

  it('lets Redis expire entries when the token expires', async () => {
    const shared = store();
    await shared.setEntry(
      ALICE,
      { token: ALICE_TOKEN, expiresAt: nowSeconds() + 2 },
      ALICE_REF,
    );
    expect((await rawEntries()).size).toBe(2);
    await new Promise(r => setTimeout(r, 2200));
    expect((await rawEntries()).size).toBe(0);
    await expect(shared.getEntry(ALICE)).resolves.toBeUndefined();
    await expect(shared.getEmailForUser(ALICE_REF)).resolves.toBeUndefined();
  });

  it('does not store a token that has already expired, and removes the older one', async () => {
    const shared = store();
    await shared.setEntry(ALICE, {
      token: ALICE_TOKEN,
      expiresAt: nowSeconds() + 60,
    });
    await shared.setEntry(ALICE, {
      token: 'stale',
      expiresAt: nowSeconds() - 1,
    });
    expect((await rawEntries()).size).toBe(0);
  });

  it('rotates keys: entries written under the old key stay readable, new ones use the new key', async () => {
    const before = store({ encryptionKeys: [KEY_A] });
    await before.setEntry(
      ALICE,
      { token: ALICE_TOKEN, expiresAt: nowSeconds() + 900 },
      ALICE_REF,
    );

    const after = store({ encryptionKeys: [KEY_B, KEY_A] });
    await expect(after.getEntry(ALICE)).resolves.toMatchObject({
      token: ALICE_TOKEN,
    });
    await expect(after.getEmailForUser(ALICE_REF)).resolves.toBe(ALICE);

    await after.setEntry('bob@example.com', {
      token: 'bob-token',
      expiresAt: nowSeconds() + 900,
    });
    // Only the new key is needed for what `after` wrote...
    await expect(
      store({ encryptionKeys: [KEY_B] }).getEntry('bob@example.com'),
    ).resolves.toMatchObject({ token: 'bob-token' });
    // ...and a process without it does not delete it (mid-rotation), it just cannot read it.
    await expect(before.getEntry('bob@example.com')).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('encrypted under a key missing from'),
    );
    expect((await rawEntries()).size).toBe(3);
    // Cache keys do not depend on the encryption keys: nothing was orphaned.
    await expect(
      store({ encryptionKeys: [KEY_B] }).getEmailForUser(ALICE_REF),
    ).resolves.toBeUndefined(); // KEY_A-encrypted link, KEY_A removed: unreadable, not lost
    await expect(after.getEmailForUser(ALICE_REF)).resolves.toBe(ALICE);
  });

  it('treats corrupt and undecryptable entries as missing and deletes them', async () => {
    const shared = store();
    const keys = new SharedKeyHasher(HASH_SECRET);
    const tokenKey = rawRedisKey(NAMESPACE, keys.tokenKey(ALICE));
    const userKey = rawRedisKey(NAMESPACE, keys.userKey(ALICE_REF));
    const expires = Date.now() + 60_000;

    // Tampered ciphertext of a genuine entry.
    await shared.setEntry(
      ALICE,
      { token: ALICE_TOKEN, expiresAt: nowSeconds() + 900 },
      ALICE_REF,
    );
    const envelope = JSON.parse((await raw.get(tokenKey))!);
    const parts = (envelope.value as string).split('.');
    parts[3] = `${parts[3].slice(0, -2)}${
      parts[3].endsWith('AA') ? 'BB' : 'AA'
    }`;
    await raw.set(
      tokenKey,
      JSON.stringify({ value: parts.join('.'), expires }),
    );
    // Garbage and a plain-text entry someone wrote by hand.
    await raw.set(
      userKey,
      JSON.stringify({ value: { email: 'mallory@example.com' }, expires }),
    );

    await expect(shared.getEntry(ALICE)).resolves.toBeUndefined();
    await expect(shared.getEmailForUser(ALICE_REF)).resolves.toBeUndefined();
    expect(await raw.exists(tokenKey)).toBe(0);
    expect(await raw.exists(userKey)).toBe(0);
    expect(logger.warn).toHaveBeenCalledWith(
      'SpectroCloud token cache: deleted a shared entry that could not be decrypted or parsed',
    );

    // Not JSON at all (Keyv cannot even parse the envelope): missing, deleted, store still up.
    await raw.set(tokenKey, '{{{not json');
    await expect(shared.getEntry(ALICE)).resolves.toBeUndefined();
    expect(await raw.exists(tokenKey)).toBe(0);
    expect(shared.available).toBe(true);

    // A genuine entry of bob copied under alice's key is refused too.
    await shared.setEntry('bob@example.com', {
      token: 'bob-token',
      expiresAt: nowSeconds() + 900,
    });
    const bobKey = rawRedisKey(NAMESPACE, keys.tokenKey('bob@example.com'));
    await raw.set(tokenKey, (await raw.get(bobKey))!);
    await expect(shared.getEntry(ALICE)).resolves.toBeUndefined();
    expect(await raw.exists(tokenKey)).toBe(0);
    await expect(shared.getEntry('bob@example.com')).resolves.toMatchObject({
      token: 'bob-token',
    });
  });

  it('lets instance B find by user entity ref a user who signed in on instance A', async () => {
    const storeA = new InProcessTokenStore({ sweepIntervalMs: 0 });
    const storeB = new InProcessTokenStore({ sweepIntervalMs: 0 });
    const a = new DefaultSpectroCloudTokenCache(storeA, { shared: store() });
    const b = new DefaultSpectroCloudTokenCache(storeB, { shared: store() });
    const expiresAt = nowSeconds() + 900;

    await a.storeSessionToken({
      email: ALICE,
      token: ALICE_TOKEN,
      expiresAt,
      userEntityRef: ALICE_REF,
    });
    // Instance B is another process: nothing of A's in-process tier.
    getGlobalTokenMap().clear();
    expect(storeB.emailForUser(ALICE_REF)).toBeUndefined();

    await expect(b.getSessionTokenForUser(ALICE_REF)).resolves.toEqual({
      token: ALICE_TOKEN,
      expiresAt,
    });
    await expect(
      b.getSessionTokenForUser('user:default/bob'),
    ).resolves.toBeUndefined();
    // B filled its in-process tier: the synchronous seed API sees the token now.
    expect(storeB.emailForUser(ALICE_REF)).toBe(ALICE);
    expect(getGlobalTokenMap().get(ALICE)?.token).toBe(ALICE_TOKEN);

    // Logout on B removes the shared entry: a fresh instance finds nothing.
    await b.deleteSessionToken({ userEntityRef: ALICE_REF });
    getGlobalTokenMap().clear();
    const c = new DefaultSpectroCloudTokenCache(
      new InProcessTokenStore({ sweepIntervalMs: 0 }),
      { shared: store() },
    );
    await expect(c.getSessionTokenForUser(ALICE_REF)).resolves.toBeUndefined();
    await expect(c.getSessionTokenByEmail(ALICE)).resolves.toBeUndefined();
    [storeA, storeB].forEach(s => s.close());
  });
});
