import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { randomBytes } from 'node:crypto';
import { getGlobalTokenMap } from '../globalTokenMap';
import { InProcessTokenStore } from '../InProcessTokenStore';
import { ResilientSharedCache } from '../shared/ResilientSharedCache';
import { SharedKeyHasher } from '../shared/SharedKeyHasher';
import { SharedValueCipher } from '../shared/SharedValueCipher';
import {
  createMemoryKeyValueStore,
  createSharedKeyValueStore,
} from './keyValue';
import { SessionStore } from './SessionStore';

const now = () => Math.floor(Date.now() / 1000);
const ALICE = 'alice@example.com';
const ALICE_REF = 'user:default/alice';

function record(id: string, token = `token-${id}`, tokenLife = 900) {
  return {
    id,
    email: 'Alice@Example.com',
    userEntityRef: ALICE_REF,
    idToken: 'id-token',
    idTokenExpiresAt: now() + 3600,
    sessionToken: { token, expiresAt: now() + tokenLife },
    scope: 'openid',
    createdAt: now(),
    expiresAt: now() + 3600,
  };
}

/** Two "instances" on one store: in process, or on Backstage's (memory) cache store, encrypted. */
const modes = {
  'in process': () => {
    const kv = createMemoryKeyValueStore(1000);
    return () => new SessionStore({ kv });
  },
  'shared store': () => {
    const cache = CacheManager.fromConfig(new ConfigReader({})).forPlugin(
      `sessions-${randomBytes(4).toString('hex')}`,
    );
    const cipher = new SharedValueCipher([randomBytes(32)]);
    const keys = new SharedKeyHasher(randomBytes(32));
    const logger = mockServices.logger.mock();
    return () =>
      new SessionStore({
        kv: createSharedKeyValueStore({
          cache: new ResilientSharedCache({
            connect: () => ({ cache }),
            timeoutMs: 1000,
            retryIntervalMs: 1000,
            recreateOnFailure: false,
            logger,
          }),
          cipher,
          keys,
          logger,
        }),
      });
  },
};

describe.each(Object.entries(modes))('SessionStore (%s)', (_, setup) => {
  let instance: () => SessionStore;
  beforeEach(() => {
    instance = setup();
  });

  it('finds a bound record by user and email, and an ended one as ended everywhere', async () => {
    const a = instance();
    const b = instance();
    await a.create({ ...record('s1'), userEntityRef: undefined });
    // Not bound yet (the sign-in resolver has not succeeded): no identity lookup finds it.
    await expect(b.newestLive({ email: ALICE })).resolves.toBeUndefined();
    await a.bindUser('s1', ALICE_REF);
    await expect(b.get('s1')).resolves.toMatchObject({
      email: ALICE,
      userEntityRef: ALICE_REF,
      state: 'live',
    });
    await expect(
      b.newestLive({ userEntityRef: ALICE_REF }),
    ).resolves.toMatchObject({ id: 's1' });
    await b.end('s1');
    await expect(a.get('s1')).resolves.toMatchObject({ state: 'ended' });
    await expect(a.newestLive({ email: ALICE })).resolves.toBeUndefined();
  });

  it('keeps devices apart: ending one leaves the newest other one', async () => {
    const a = instance();
    await a.create(record('laptop'));
    await a.create({ ...record('phone'), createdAt: now() + 1 });
    await expect(
      a.newestLive({ userEntityRef: ALICE_REF }),
    ).resolves.toMatchObject({ id: 'phone' });
    await a.end('phone');
    await expect(
      a.newestLive({ userEntityRef: ALICE_REF }),
    ).resolves.toMatchObject({ id: 'laptop' });
  });

  it('renews a token once across instances; the others get the renewed record', async () => {
    const a = instance();
    const b = instance();
    await a.create(record('s1', 'old'));
    const renew = jest.fn(async () => {
      await new Promise(r => setTimeout(r, 100));
      return { token: 'new', expiresAt: now() + 900 };
    });
    const results = await Promise.all(
      [a, b, a, b].map(s => s.renewSessionToken('s1', 'old', renew, 2000)),
    );
    expect(renew).toHaveBeenCalledTimes(1);
    for (const r of results) {
      expect(r?.sessionToken?.token).toBe('new');
    }
    // A late caller still holding the old token: no second renewal.
    await expect(
      b.renewSessionToken('s1', 'old', renew, 2000),
    ).resolves.toMatchObject({ sessionToken: { token: 'new' } });
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('never resurrects a session ended while its renewal was in flight', async () => {
    const a = instance();
    const b = instance();
    await a.create(record('s1', 'old'));
    const renewal = a.renewSessionToken(
      's1',
      'old',
      async () => {
        await b.end('s1');
        return { token: 'new', expiresAt: now() + 900 };
      },
      2000,
    );
    await expect(renewal).resolves.toMatchObject({ state: 'ended' });
    await expect(b.get('s1')).resolves.toMatchObject({ state: 'ended' });
    await expect(b.newestLive({ email: ALICE })).resolves.toBeUndefined();
  });

  it('claims a name once across instances', async () => {
    const a = instance();
    const b = instance();
    const claims = await Promise.all([
      a.claimOnce('flow-1', 60_000),
      b.claimOnce('flow-1', 60_000),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    await expect(a.claimOnce('flow-2', 60_000)).resolves.toBe(true);
  });

  it('forgets a record after its absolute end', async () => {
    const a = instance();
    await a.create({ ...record('s1'), expiresAt: now() - 1 });
    await expect(a.get('s1')).resolves.toBeUndefined();
  });
});

describe('the compatibility map as a view of the newest live session per email', () => {
  it('follows sign-ins, renewals and logouts made through this process', async () => {
    getGlobalTokenMap().clear();
    const view = new InProcessTokenStore({ sweepIntervalMs: 0 });
    const sessions = new SessionStore({
      kv: createMemoryKeyValueStore(1000),
      view,
    });
    await sessions.create(record('laptop', 'laptop-token'));
    await sessions.create({
      ...record('phone', 'phone-token'),
      createdAt: now() + 1,
    });
    expect(getGlobalTokenMap().get(ALICE)?.token).toBe('phone-token');
    await sessions.end('phone');
    expect(getGlobalTokenMap().get(ALICE)?.token).toBe('laptop-token');
    await sessions.renewSessionToken(
      'laptop',
      'laptop-token',
      async () => ({ token: 'laptop-renewed', expiresAt: now() + 900 }),
      1000,
    );
    expect(view.get(ALICE)?.token).toBe('laptop-renewed');
    await sessions.end('laptop');
    expect(getGlobalTokenMap().has(ALICE)).toBe(false);
    view.close();
  });
});
