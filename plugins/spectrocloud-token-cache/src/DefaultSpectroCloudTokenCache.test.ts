import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { randomBytes } from 'node:crypto';
import { DefaultSpectroCloudTokenCache } from './DefaultSpectroCloudTokenCache';
import { getGlobalTokenMap } from './globalTokenMap';
import { InProcessTokenStore } from './InProcessTokenStore';
import { SharedTokenStore } from './shared/SharedTokenStore';

const ALICE = 'alice@example.com';
const ALICE_REF = 'user:default/alice';

describe('DefaultSpectroCloudTokenCache with a shared tier', () => {
  const stores: InProcessTokenStore[] = [];
  const exp = () => Math.floor(Date.now() / 1000) + 900;
  // Backstage's memory store: one map shared by every "instance" created below.
  const cache = CacheManager.fromConfig(new ConfigReader({})).forPlugin(
    'spectrocloud-token-cache',
  );
  const sharedOptions = {
    encryptionKeys: [randomBytes(32)],
    keyHashSecret: randomBytes(32),
    logger: mockServices.logger.mock(),
  };

  /** A backend instance: its own in-process tier (once the global map is cleared). */
  function instance() {
    const store = new InProcessTokenStore({ sweepIntervalMs: 0 });
    stores.push(store);
    const shared = new SharedTokenStore({
      connect: () => ({ cache }),
      ...sharedOptions,
    });
    return {
      store,
      shared,
      tokens: new DefaultSpectroCloudTokenCache(store, { shared }),
    };
  }

  beforeEach(() => getGlobalTokenMap().clear());
  afterAll(() => stores.forEach(s => s.close()));

  it('writes both tiers, and a read on another instance fills its in-process tier', async () => {
    const a = instance();
    const expiresAt = exp();
    await a.tokens.storeSessionToken({
      email: 'Alice@Example.com',
      token: 'token-a',
      expiresAt,
      userEntityRef: ALICE_REF,
    });
    await expect(a.shared.getEntry(ALICE)).resolves.toEqual({
      token: 'token-a',
      expiresAt,
    });
    expect(a.store.get(ALICE)?.token).toBe('token-a');

    getGlobalTokenMap().clear();
    const b = instance();
    await expect(b.tokens.getSessionTokenByEmail(ALICE)).resolves.toEqual({
      token: 'token-a',
      expiresAt,
    });
    expect(b.store.get(ALICE)?.token).toBe('token-a');
    expect(b.store.emailForUser(ALICE_REF)).toBeUndefined();
    await expect(b.tokens.getSessionTokenForUser(ALICE_REF)).resolves.toEqual({
      token: 'token-a',
      expiresAt,
    });
    expect(b.store.emailForUser(ALICE_REF)).toBe(ALICE);
  });

  it('deletes by user entity ref on an instance that only the shared tier told about the user', async () => {
    const a = instance();
    await a.tokens.storeSessionToken({
      email: ALICE,
      token: 'token-a',
      expiresAt: exp(),
      userEntityRef: ALICE_REF,
    });
    getGlobalTokenMap().clear();
    const b = instance();
    await b.tokens.deleteSessionToken({ userEntityRef: ALICE_REF });
    await expect(b.shared.getEntry(ALICE)).resolves.toBeUndefined();
    await expect(b.shared.getEmailForUser(ALICE_REF)).resolves.toBeUndefined();
    await expect(
      instance().tokens.getSessionTokenForUser(ALICE_REF),
    ).resolves.toBeUndefined();
  });

  it('prefers the in-process tier and never asks the shared tier for a token it holds', async () => {
    const a = instance();
    await a.tokens.storeSessionToken({
      email: ALICE,
      token: 'token-a',
      expiresAt: exp(),
      userEntityRef: ALICE_REF,
    });
    const getEntry = jest.spyOn(a.shared, 'getEntry');
    const getEmail = jest.spyOn(a.shared, 'getEmailForUser');
    await expect(
      a.tokens.getSessionTokenForUser(ALICE_REF),
    ).resolves.toMatchObject({
      token: 'token-a',
    });
    expect(getEntry).not.toHaveBeenCalled();
    expect(getEmail).not.toHaveBeenCalled();
  });
});
