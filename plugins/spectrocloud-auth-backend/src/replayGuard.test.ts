import { mockServices } from '@backstage/backend-test-utils';
import { createCacheReplayGuard, createMemoryReplayGuard } from './replayGuard';

describe('callback replay guards', () => {
  it('in memory: the first use passes, a replay is refused, the window expires', async () => {
    let now = 0;
    const guard = createMemoryReplayGuard(() => now);
    await expect(guard.markUsed('flow-1')).resolves.toBe(true);
    await expect(guard.markUsed('flow-1')).resolves.toBe(false);
    await expect(guard.markUsed('flow-2')).resolves.toBe(true);
    now += 15 * 60 * 1000;
    await expect(guard.markUsed('flow-1')).resolves.toBe(true);
  });

  it('in the cache service: a flow used through one guard is refused by another', async () => {
    const cache = mockServices.cache.mock();
    const store = new Map<string, unknown>();
    cache.get.mockImplementation(async key => store.get(key) as any);
    cache.set.mockImplementation(async (key, value) => {
      store.set(key, value);
    });
    const a = createCacheReplayGuard(cache);
    const b = createCacheReplayGuard(cache);
    await expect(a.markUsed('flow-1')).resolves.toBe(true);
    await expect(b.markUsed('flow-1')).resolves.toBe(false);
    await expect(a.markUsed('flow-1')).resolves.toBe(false);
    expect(cache.set).toHaveBeenCalledWith(
      'spectrocloud-callback-used:flow-1',
      true,
      { ttl: 15 * 60 * 1000 },
    );
  });

  it('falls back to this instance within the bound when the cache hangs or fails, warning once', async () => {
    const cache = mockServices.cache.mock();
    cache.get.mockImplementation(() => new Promise(() => {}));
    const logger = mockServices.logger.mock();
    const guard = createCacheReplayGuard(cache, logger, 100);
    const started = Date.now();
    await expect(guard.markUsed('flow-1')).resolves.toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(guard.markUsed('flow-1')).resolves.toBe(false);
    cache.get.mockRejectedValue(new Error('ECONNREFUSED'));
    await expect(guard.markUsed('flow-2')).resolves.toBe(true);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(String(logger.warn.mock.calls[0][0])).not.toContain('flow-');
  });
});
