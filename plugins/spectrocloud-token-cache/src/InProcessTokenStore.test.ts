import { getGlobalTokenMap, GLOBAL_TOKEN_CACHE_KEY } from './globalTokenMap';
import { InProcessTokenStore } from './InProcessTokenStore';

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0); // epoch ms
const T0_SECONDS = T0 / 1000;

describe('InProcessTokenStore', () => {
  let nowMs: number;
  const stores: InProcessTokenStore[] = [];
  const newStore = (maxEntries?: number) => {
    const store = new InProcessTokenStore({
      maxEntries,
      sweepIntervalMs: 0,
      now: () => nowMs,
    });
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    nowMs = T0;
    getGlobalTokenMap().clear();
  });
  afterEach(() => stores.splice(0).forEach(s => s.close()));

  it('returns a stored token until its exp second, then removes it', () => {
    const store = newStore();
    store.set('alice@example.com', 'token-a', T0_SECONDS + 900);

    nowMs = T0 + 899_000;
    expect(store.get('alice@example.com')).toEqual({
      token: 'token-a',
      expiresAt: T0_SECONDS + 900,
    });

    nowMs = T0 + 900_000;
    expect(store.get('alice@example.com')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('normalises emails on write and read', () => {
    const store = newStore();
    store.set('  Alice@Example.COM ', 'token-a', T0_SECONDS + 60);
    expect(store.get('alice@example.com')?.token).toBe('token-a');
    expect(store.get('ALICE@example.com')?.token).toBe('token-a');
    expect(store.size).toBe(1);
  });

  it('does not store a token that is already expired, and drops the older one', () => {
    const store = newStore();
    store.set('alice@example.com', 'old', T0_SECONDS + 60);
    store.set('alice@example.com', 'stale', T0_SECONDS - 1);
    expect(store.get('alice@example.com')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('rejects empty emails, empty tokens and non-numeric expiry', () => {
    const store = newStore();
    expect(() => store.set('', 't', T0_SECONDS + 60)).toThrow(TypeError);
    expect(() => store.set('a@example.com', '', T0_SECONDS + 60)).toThrow(
      TypeError,
    );
    expect(() => store.set('a@example.com', 't', Number.NaN)).toThrow(
      TypeError,
    );
    expect(() => new InProcessTokenStore({ maxEntries: 0 })).toThrow(
      RangeError,
    );
  });

  it('holds at most maxEntries, evicting the least recently used', () => {
    const store = newStore(3);
    store.set('a@example.com', 'ta', T0_SECONDS + 60);
    store.set('b@example.com', 'tb', T0_SECONDS + 60);
    store.set('c@example.com', 'tc', T0_SECONDS + 60);
    // reading a makes b the least recently used
    expect(store.get('a@example.com')?.token).toBe('ta');
    store.set('d@example.com', 'td', T0_SECONDS + 60);

    expect(store.size).toBe(3);
    expect(store.get('b@example.com')).toBeUndefined();
    expect(store.get('a@example.com')?.token).toBe('ta');
    expect(store.get('c@example.com')?.token).toBe('tc');
    expect(store.get('d@example.com')?.token).toBe('td');
  });

  it('sweeps expired entries', () => {
    const store = newStore();
    store.set('a@example.com', 'ta', T0_SECONDS + 10);
    store.set('b@example.com', 'tb', T0_SECONDS + 100);
    nowMs = T0 + 50_000;
    expect(store.sweepExpired()).toBe(1);
    expect(store.size).toBe(1);
    expect(store.get('b@example.com')?.token).toBe('tb');
  });

  it('sweeps on its timer', () => {
    jest.useFakeTimers({ now: T0 });
    try {
      const store = new InProcessTokenStore({ sweepIntervalMs: 1000 });
      stores.push(store);
      store.set('a@example.com', 'ta', T0_SECONDS + 2);
      expect(store.size).toBe(1);
      jest.advanceTimersByTime(3000);
      expect(store.size).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps its entries private by default: nothing on globalThis', () => {
    delete (globalThis as any)[GLOBAL_TOKEN_CACHE_KEY];
    const store = newStore();
    store.set('alice@example.com', 'token-a', T0_SECONDS + 900);
    expect((globalThis as any)[GLOBAL_TOKEN_CACHE_KEY]).toBeUndefined();
    expect(store.get('alice@example.com')?.token).toBe('token-a');
  });

  describe('with legacyGlobalMap: true', () => {
    const newLegacyStore = () => {
      const store = new InProcessTokenStore({
        sweepIntervalMs: 0,
        now: () => nowMs,
        legacyGlobalMap: true,
      });
      stores.push(store);
      return store;
    };

    it('writes the map the published spectrocloud-backend plugin reads, found by the email as the caller spells it', () => {
      const store = newLegacyStore();
      store.set('Alice@Example.com', 'token-a', T0_SECONDS + 900);
      const map = (globalThis as any)[GLOBAL_TOKEN_CACHE_KEY];
      expect(map).toBeInstanceOf(Map);
      expect([...map.keys()]).toEqual(['alice@example.com']);
      // the published plugin's lookup: cache.get(email) with the header value as received
      for (const asSent of ['alice@example.com', 'Alice@Example.com']) {
        expect(map.get(asSent)).toEqual({
          token: 'token-a',
          expiresAt: T0_SECONDS + 900,
        });
      }
      expect(map.get('bob@example.com')).toBeUndefined();
      // ...and its removal of an expired entry
      expect(map.delete('ALICE@example.com')).toBe(true);
      expect(store.get('alice@example.com')).toBeUndefined();
    });

    it('takes over a plain Map another library put there first, keeping its entries', () => {
      const plain = new Map([
        ['Bob@Example.com', { token: 'token-b', expiresAt: T0_SECONDS + 30 }],
      ]);
      (globalThis as any)[GLOBAL_TOKEN_CACHE_KEY] = plain;
      const store = newLegacyStore();
      expect(store.get('bob@example.com')?.token).toBe('token-b');
      expect((globalThis as any)[GLOBAL_TOKEN_CACHE_KEY]).not.toBe(plain);
    });

    it('reads entries written to the map by another copy of the package', () => {
      const store = newLegacyStore();
      getGlobalTokenMap().set('bob@example.com', {
        token: 'token-b',
        expiresAt: T0_SECONDS + 30,
      });
      expect(store.get('bob@example.com')?.token).toBe('token-b');
    });
  });

  it('delete removes the token of the normalised email', () => {
    const store = newStore();
    store.set('a@example.com', 'ta', T0_SECONDS + 60);
    store.delete('A@example.com');
    expect(store.get('a@example.com')).toBeUndefined();
  });
});
