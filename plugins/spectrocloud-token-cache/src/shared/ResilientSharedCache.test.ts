import { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  ResilientSharedCache,
  SharedCacheConnection,
} from './ResilientSharedCache';

type Mode = 'up' | 'hang' | 'reject' | 'swallow';

/** A store client that answers, hangs, rejects, or swallows errors like Backstage's stores. */
function fakeConnection(state: { mode: Mode }, data: Map<string, unknown>) {
  let errors = 0;
  const pending: Array<() => void> = [];
  const run = <T>(fn: () => T): Promise<T> => {
    switch (state.mode) {
      case 'hang':
        // Rejects much later, like a queued command of a client that finally gives up.
        return new Promise((_, reject) =>
          pending.push(() => reject(new Error('late failure'))),
        );
      case 'reject':
        return Promise.reject(new Error('ECONNREFUSED 127.0.0.1:1'));
      case 'swallow':
        errors++;
        return Promise.resolve(undefined as T);
      default:
        return Promise.resolve(fn());
    }
  };
  const cache: CacheService = {
    get: async key => run(() => data.get(key) as any),
    set: async (key, value) => run(() => void data.set(key, value)),
    delete: async key => run(() => void data.delete(key)),
    withOptions: () => cache,
  };
  const close = jest.fn(async () => {});
  const connection: SharedCacheConnection = {
    cache,
    errorCount: () => errors,
    close,
  };
  return {
    connection,
    close,
    data,
    failPending: () => pending.splice(0).forEach(f => f()),
  };
}

describe('ResilientSharedCache', () => {
  let now: number;
  const logger = mockServices.logger.mock();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));
  beforeEach(() => {
    now = 1_000_000;
    unhandled.length = 0;
    jest.clearAllMocks();
  });

  function create(state: { mode: Mode }, recreateOnFailure = false) {
    const connections: ReturnType<typeof fakeConnection>[] = [];
    const data = new Map<string, unknown>(); // the store, shared by its clients
    const connect = jest.fn(() => {
      const c = fakeConnection(state, data);
      connections.push(c);
      return c.connection;
    });
    const cache = new ResilientSharedCache({
      connect,
      timeoutMs: 50,
      retryIntervalMs: 1000,
      recreateOnFailure,
      logger,
      now: () => now,
    });
    return { cache, connect, connections };
  }

  it('passes calls through while the store answers, connecting lazily once', async () => {
    const state = { mode: 'up' as Mode };
    const { cache, connect } = create(state);
    expect(connect).not.toHaveBeenCalled();
    await expect(cache.set('k', 'v', 1000)).resolves.toBe(true);
    await expect(cache.get('k')).resolves.toEqual({
      status: 'hit',
      value: 'v',
    });
    await expect(cache.delete('k')).resolves.toBe(true);
    await expect(cache.get('k')).resolves.toEqual({ status: 'miss' });
    expect(connect).toHaveBeenCalledTimes(1);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('bounds a hanging store by the timeout, warns once per outage, skips it, then uses it again', async () => {
    const state = { mode: 'up' as Mode };
    const { cache, connections } = create(state);
    await cache.set('k', 'v', 1000);

    state.mode = 'hang';
    // Resolves although the store never answers: bounded by the 50 ms timeout.
    await expect(cache.get('k')).resolves.toEqual({ status: 'unavailable' });
    const setSpy = jest.spyOn(connections[0].connection.cache, 'set');
    await expect(cache.set('k2', 'v2', 1000)).resolves.toBe(false);
    // The second call was skipped (store marked down), not sent and timed out again.
    expect(setSpy).not.toHaveBeenCalled();
    expect(cache.available).toBe(false);
    for (let i = 0; i < 5; i++) {
      await cache.get('k');
    }
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toContain(
      'did not answer within 50 ms',
    );

    // Still down at the next try: no new warning.
    now += 1000;
    await expect(cache.get('k')).resolves.toEqual({ status: 'unavailable' });
    expect(logger.warn).toHaveBeenCalledTimes(1);

    state.mode = 'up';
    await expect(cache.get('k')).resolves.toEqual({ status: 'unavailable' }); // skipped: retry interval
    now += 1000;
    await expect(cache.get('k')).resolves.toEqual({
      status: 'hit',
      value: 'v',
    });
    expect(cache.available).toBe(true);
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info.mock.calls[0][0]).toContain('answers again');

    // The calls that hung fail later: handled, no unhandled rejection.
    connections.forEach(c => c.failPending());
    await new Promise(r => setImmediate(r));
    expect(unhandled).toEqual([]);

    // A second outage warns again.
    state.mode = 'reject';
    await cache.get('k');
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });

  it('counts errors a store swallowed (a miss that was really a failure)', async () => {
    const state = { mode: 'swallow' as Mode };
    const { cache } = create(state);
    await expect(cache.get('k')).resolves.toEqual({ status: 'unavailable' });
    expect(cache.available).toBe(false);
    expect(logger.warn.mock.calls[0][0]).toContain(
      'the store client reported an error',
    );
  });

  it('with recreateOnFailure, retries once on a fresh client and keeps it', async () => {
    const state = { mode: 'up' as Mode };
    const { cache, connect, connections } = create(state, true);
    await cache.set('k', 'v', 1000);
    // The first client breaks for good (like the redis store's client after a lost connection),
    // while the store itself is fine.
    connections[0].connection.cache.get = () => new Promise(() => {});

    await expect(cache.get('k')).resolves.toEqual({
      status: 'hit',
      value: 'v',
    }); // answered by a fresh client
    expect(connect).toHaveBeenCalledTimes(2);
    expect(cache.available).toBe(true);
    expect(logger.warn).not.toHaveBeenCalled();
    await cache.set('k3', 'v3', 1000);
    expect(connections[1].data.get('k3')).toBe('v3');
  });

  it('with recreateOnFailure, connects anew at each try while the store stays down', async () => {
    const state = { mode: 'reject' as Mode };
    const { cache, connect, connections } = create(state, true);
    await cache.get('k');
    expect(connect).toHaveBeenCalledTimes(2); // first try + one retry
    expect(cache.available).toBe(false);
    // each dropped client is closed, not left reconnecting
    expect(connections.map(c => c.close.mock.calls.length)).toEqual([1, 1]);
    await cache.get('k'); // skipped
    expect(connect).toHaveBeenCalledTimes(2);
    now += 1000;
    state.mode = 'up';
    await cache.set('k', 'v', 1000);
    expect(connect).toHaveBeenCalledTimes(3);
    expect(cache.available).toBe(true);
    expect(connections[2].close).not.toHaveBeenCalled(); // the working client stays open
  });

  it('reports a value its client cannot parse as unreadable, not as an outage', async () => {
    const state = { mode: 'up' as Mode };
    const { cache, connections } = create(state);
    await cache.set('k', 'v', 1000);
    connections[0].connection.cache.get = () =>
      Promise.reject(new SyntaxError('Unexpected token { in JSON'));
    await expect(cache.get('k')).resolves.toEqual({ status: 'unreadable' });
    expect(cache.available).toBe(true);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('treats a throwing connect as an outage, not an exception', async () => {
    const cache = new ResilientSharedCache({
      connect: () => {
        throw new Error('Unknown cache store: nope');
      },
      timeoutMs: 50,
      retryIntervalMs: 1000,
      recreateOnFailure: false,
      logger,
    });
    await expect(cache.get('k')).resolves.toEqual({ status: 'unavailable' });
    expect(logger.warn.mock.calls[0][0]).toContain('client creation failed');
  });
});
