import { getGlobalTokenMap } from './globalTokenMap';
import { InProcessTokenStore } from './InProcessTokenStore';
import {
  deleteSessionToken,
  getProcessTokenStore,
  getSessionTokenByEmail,
  setProcessTokenStore,
  storeSessionToken,
} from './seedApi';

describe('seed API', () => {
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  // The seed API over a store that publishes the compatibility map (`legacyGlobalMap: true`).
  const original = getProcessTokenStore();
  beforeEach(() => {
    getGlobalTokenMap().clear();
    setProcessTokenStore(
      new InProcessTokenStore({ sweepIntervalMs: 0, legacyGlobalMap: true }),
    );
  });
  afterAll(() => setProcessTokenStore(original));

  it('stores and reads a token by normalised email (expiresAt in epoch seconds)', () => {
    storeSessionToken(
      'Alice@Example.com',
      'palette-session-a',
      nowSeconds() + 900,
    );
    expect(getSessionTokenByEmail('alice@example.com')).toBe(
      'palette-session-a',
    );
    expect(getGlobalTokenMap().get('alice@example.com')?.expiresAt).toBe(
      nowSeconds() + 900,
    );
  });

  it('returns undefined for an expired token and removes it', () => {
    getGlobalTokenMap().set('bob@example.com', {
      token: 'palette-session-b',
      expiresAt: nowSeconds() - 1,
    });
    expect(getSessionTokenByEmail('bob@example.com')).toBeUndefined();
    expect(getGlobalTokenMap().has('bob@example.com')).toBe(false);
  });

  it('deletes a token', () => {
    storeSessionToken(
      'carol@example.com',
      'palette-session-c',
      nowSeconds() + 60,
    );
    deleteSessionToken('CAROL@example.com');
    expect(getSessionTokenByEmail('carol@example.com')).toBeUndefined();
  });

  it('is one store per process, replaceable with configured limits', () => {
    expect(getProcessTokenStore()).toBe(getProcessTokenStore());
    const limited = new InProcessTokenStore({
      maxEntries: 2,
      sweepIntervalMs: 0,
      legacyGlobalMap: true,
    });
    const previous = getProcessTokenStore();
    setProcessTokenStore(limited);
    try {
      for (const n of [1, 2, 3, 4]) {
        storeSessionToken(`u${n}@example.com`, `t${n}`, nowSeconds() + 60);
      }
      expect(getGlobalTokenMap().size).toBe(2);
      expect(getSessionTokenByEmail('u4@example.com')).toBe('t4');
      expect(getSessionTokenByEmail('u1@example.com')).toBeUndefined();
    } finally {
      setProcessTokenStore(previous);
    }
  });
});
