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
  KeyValueStore,
} from './keyValue';
import {
  MAX_SESSIONS_PER_USER,
  SessionStore,
  UNBOUND_RECORD_TTL_SECONDS,
} from './SessionStore';
import { SessionStoreUnavailableError } from './types';

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

  it('renews a token once across instances; the others get the current token at once', async () => {
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
    expect(results.map(r => r?.sessionToken?.token).sort()).toEqual([
      'new',
      'old',
      'old',
      'old',
    ]);
    // A later caller still holding the old token gets the renewed record: no second renewal.
    await expect(
      b.renewSessionToken('s1', 'old', renew, 2000),
    ).resolves.toMatchObject({ sessionToken: { token: 'new' } });
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('never makes a refresh wait for a renewal that hangs or fails elsewhere', async () => {
    const a = instance();
    const b = instance();
    await a.create(record('s1', 'old'));
    let release!: () => void;
    let renewing!: () => void;
    const started = new Promise<void>(r => {
      renewing = r;
    });
    // The winner's Palette call hangs until released, then fails (Palette unavailable).
    const winner = a.renewSessionToken(
      's1',
      'old',
      () => {
        renewing();
        return new Promise(r => {
          release = () => r(undefined);
        });
      },
      60_000,
    );
    await started;
    const renew = jest.fn();
    await expect(
      b.renewSessionToken('s1', 'old', renew, 60_000),
    ).resolves.toMatchObject({
      state: 'live',
      sessionToken: { token: 'old' },
    });
    expect(renew).not.toHaveBeenCalled();
    release();
    await expect(winner).resolves.toMatchObject({
      sessionToken: { token: 'old' },
    });
  });

  it("never releases a renewal lock that expired and became another caller's", async () => {
    const [a, b, c] = [instance(), instance(), instance()];
    await a.create(record('s1', 'old'));
    // a holds the lock (200 ms) longer than it lives, then fails to renew.
    const slow = a.renewSessionToken(
      's1',
      'old',
      () => new Promise(r => setTimeout(() => r(undefined), 400)),
      200,
    );
    await new Promise(r => setTimeout(r, 250));
    // b takes the expired lock and holds it (its Palette call hangs).
    let releaseB!: () => void;
    const bRenew = jest.fn(
      () =>
        new Promise<undefined>(r => {
          releaseB = () => r(undefined);
        }),
    );
    const held = b.renewSessionToken('s1', 'old', bRenew, 60_000);
    await slow;
    expect(bRenew).toHaveBeenCalledTimes(1);
    // a's release must have left b's lock alone: c does not renew the same token again.
    const cRenew = jest.fn(async () => undefined);
    await c.renewSessionToken('s1', 'old', cRenew, 60_000);
    expect(cRenew).not.toHaveBeenCalled();
    releaseB();
    await held;
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

  it('signs a user out everywhere, sessions beyond the index included, and not later sign-ins', async () => {
    const a = instance();
    const b = instance();
    const ids = [...Array(MAX_SESSIONS_PER_USER + 5).keys()].map(i => `d${i}`);
    for (const id of ids) await a.create(record(id));
    await b.endAllOf({ userEntityRef: ALICE_REF });
    for (const id of ids) {
      await expect(a.get(id)).resolves.toMatchObject({ state: 'ended' });
    }
    await a.create(record('after'));
    await expect(b.get('after')).resolves.toMatchObject({ state: 'live' });
    await expect(
      b.newestLive({ userEntityRef: ALICE_REF }),
    ).resolves.toMatchObject({ id: 'after' });
  });

  it('a lookup by user sees a sign-out by email, and one by email a sign-out by user', async () => {
    const a = instance();
    const b = instance();
    await a.create(record('s1'));
    await b.endAllOf({ email: ALICE });
    await expect(
      a.newestLive({ userEntityRef: ALICE_REF }),
    ).resolves.toBeUndefined();
    await a.create(record('s2'));
    await b.endAllOf({ userEntityRef: ALICE_REF });
    await expect(a.newestLive({ email: ALICE })).resolves.toBeUndefined();
    // A sign-in a moment later (marks compare milliseconds) is live again.
    await new Promise(resolve => setTimeout(resolve, 5));
    await a.create(record('s3'));
    await expect(
      b.newestLive({ userEntityRef: ALICE_REF }),
    ).resolves.toMatchObject({ id: 's3' });
  });

  it('finds by user entity ref only records bound to that ref', async () => {
    const a = instance();
    await a.create(record('s1'));
    await a.bindUser('s1', 'user:default/someone-else');
    await expect(
      a.newestLive({ userEntityRef: ALICE_REF }),
    ).resolves.toBeUndefined();
    await expect(
      a.newestLive({ userEntityRef: 'user:default/someone-else' }),
    ).resolves.toMatchObject({ id: 's1' });
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
    const view = new InProcessTokenStore({
      sweepIntervalMs: 0,
      legacyGlobalMap: true,
    });
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

/**
 * The in-process store with a switch that makes every call fail like a shared store that is down,
 * and an optional delay per call (MILLISECONDS) that lets concurrent calls interleave.
 */
function controllableKv(delayMs = 0) {
  const inner = createMemoryKeyValueStore(1000);
  const control = { down: false };
  const call =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (delayMs) await new Promise(r => setTimeout(r, delayMs));
      if (control.down) throw new SessionStoreUnavailableError();
      return fn(...args);
    };
  const kv: KeyValueStore = {
    get: call(inner.get),
    set: call(inner.set),
    delete: call(inner.delete),
    setIfAbsent: call(inner.setIfAbsent),
  };
  return { kv, control };
}

describe('SessionStore while the store is down', () => {
  it('reports a logout it could not write, and the session stays live', async () => {
    const { kv, control } = controllableKv();
    const a = new SessionStore({ kv });
    const b = new SessionStore({ kv });
    await a.create(record('s1'));
    control.down = true;
    await expect(a.end('s1')).rejects.toBeInstanceOf(
      SessionStoreUnavailableError,
    );
    control.down = false;
    // Nothing pretends it ended: the client must retry the logout, which then holds everywhere.
    await expect(b.get('s1')).resolves.toMatchObject({ state: 'live' });
    await a.end('s1');
    await expect(b.get('s1')).resolves.toMatchObject({ state: 'ended' });
  });
});

describe('SessionStore with concurrent sign-ins of one user', () => {
  it('keeps both devices findable when their index writes interleave', async () => {
    const { kv } = controllableKv(5);
    const a = new SessionStore({ kv });
    const b = new SessionStore({ kv });
    await Promise.all([
      a.create(record('laptop')),
      b.create({ ...record('phone'), createdAt: now() + 1 }),
    ]);
    await expect(
      a.newestLive({ userEntityRef: ALICE_REF }),
    ).resolves.toMatchObject({ id: 'phone' });
    await a.end('phone');
    await expect(
      b.newestLive({ userEntityRef: ALICE_REF }),
    ).resolves.toMatchObject({ id: 'laptop' });
  });

  it('signs out everywhere even a session its index lost', async () => {
    const { kv } = controllableKv();
    const a = new SessionStore({ kv });
    await a.create(record('s1'));
    await kv.delete('user', ALICE_REF);
    await kv.delete('email', ALICE);
    await a.endAllOf({ userEntityRef: ALICE_REF, email: ALICE });
    await expect(a.get('s1')).resolves.toMatchObject({ state: 'ended' });
  });
});

describe('SessionStore records of sign-ins not (yet) bound to a user', () => {
  it('keeps an unbound record 10 minutes, a bound one until its end', async () => {
    let clock = Date.now();
    const kv = createMemoryKeyValueStore(1000, () => clock);
    const a = new SessionStore({ kv, now: () => clock });
    await a.create({ ...record('refused'), userEntityRef: undefined });
    await a.create({ ...record('signed-in'), userEntityRef: undefined });
    await a.bindUser('signed-in', ALICE_REF);
    await a.create(record('bound-at-creation'));
    clock += (UNBOUND_RECORD_TTL_SECONDS + 1) * 1000;
    await expect(a.get('refused')).resolves.toBeUndefined();
    await expect(a.get('signed-in')).resolves.toMatchObject({ state: 'live' });
    await expect(a.get('bound-at-creation')).resolves.toMatchObject({
      state: 'live',
    });
  });
});
