import {
  exportJWK,
  generateKeyPair,
  JWK,
  jwtVerify,
  KeyLike,
  SignJWT,
} from 'jose';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { JwksCache, JwksFetchError } from './jwks';

const URI = 'https://op.test/jwks';
const server = setupServer();
let served: { keys: JWK[] } = { keys: [] };
let fetches = 0;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  fetches = 0;
  server.use(
    http.get(URI, () => {
      fetches += 1;
      return HttpResponse.json(served);
    }),
  );
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Key {
  kid?: string;
  privateKey: KeyLike;
  jwk: JWK;
}

async function newKey(kid?: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), alg: 'RS256', use: 'sig' };
  return { kid, privateKey, jwk: kid ? { ...jwk, kid } : jwk };
}

function sign(key: Key): Promise<string> {
  return new SignJWT({ sub: 'x' })
    .setProtectedHeader({ alg: 'RS256', ...(key.kid ? { kid: key.kid } : {}) })
    .sign(key.privateKey);
}

function verify(cache: JwksCache, token: string, kid?: string) {
  return cache.verifyWith(kid, getKey => jwtVerify(token, getKey));
}

function clock() {
  let now = 1_000_000;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('JwksCache', () => {
  it('fetches once, caches, and refetches after the max age', async () => {
    const k1 = await newKey('k1');
    served = { keys: [k1.jwk] };
    const c = clock();
    const cache = new JwksCache({
      uri: URI,
      timeoutMs: 1000,
      maxBytes: 65536,
      now: c.now,
    });
    await verify(cache, await sign(k1), 'k1');
    await verify(cache, await sign(k1), 'k1');
    expect(fetches).toBe(1);
    c.advance(10 * 60 * 1000);
    await verify(cache, await sign(k1), 'k1');
    expect(fetches).toBe(2);
  });

  it('refetches once for a rotated key, and not again for a kid still unknown', async () => {
    const [k1, k2] = [await newKey('k1'), await newKey('k2')];
    served = { keys: [k1.jwk] };
    const c = clock();
    const cache = new JwksCache({
      uri: URI,
      timeoutMs: 1000,
      maxBytes: 65536,
      now: c.now,
    });
    await verify(cache, await sign(k1), 'k1');
    served = { keys: [k2.jwk] };
    await verify(cache, await sign(k2), 'k2');
    expect(fetches).toBe(2);

    const unknown = await newKey('nope');
    for (let i = 0; i < 3; i += 1) {
      await expect(
        verify(cache, await sign(unknown), 'nope'),
      ).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    }
    expect(fetches).toBe(3);
    // after the cooldown the same kid may trigger one more refetch
    c.advance(60_001);
    await expect(verify(cache, await sign(unknown), 'nope')).rejects.toThrow();
    expect(fetches).toBe(4);
  });

  it('caps refetches caused by unknown kids per minute', async () => {
    const k1 = await newKey('k1');
    served = { keys: [k1.jwk] };
    const c = clock();
    const cache = new JwksCache({
      uri: URI,
      timeoutMs: 1000,
      maxBytes: 65536,
      now: c.now,
      maxRefetchesPerMinute: 3,
    });
    await verify(cache, await sign(k1), 'k1');
    for (let i = 0; i < 6; i += 1) {
      const key = await newKey(`unknown-${i}`);
      await expect(verify(cache, await sign(key), key.kid)).rejects.toThrow();
    }
    expect(fetches).toBe(1 + 3);
    c.advance(60_001);
    const late = await newKey('late');
    served = { keys: [k1.jwk, late.jwk] };
    await verify(cache, await sign(late), 'late');
    expect(fetches).toBe(5);
  });

  it('accepts a single key without kid and follows its rotation', async () => {
    const [k1, k2] = [await newKey(), await newKey()];
    served = { keys: [k1.jwk] };
    const cache = new JwksCache({ uri: URI, timeoutMs: 1000, maxBytes: 65536 });
    await verify(cache, await sign(k1));
    served = { keys: [k2.jwk] };
    await verify(cache, await sign(k2));
    expect(fetches).toBe(2);
  });

  it('shares one fetch between concurrent verifications', async () => {
    const k1 = await newKey('k1');
    served = { keys: [k1.jwk] };
    const cache = new JwksCache({ uri: URI, timeoutMs: 1000, maxBytes: 65536 });
    const token = await sign(k1);
    await Promise.all([1, 2, 3].map(() => verify(cache, token, 'k1')));
    expect(fetches).toBe(1);
  });

  it.each([
    [
      'HTTP 500',
      () => new HttpResponse('<html>boom</html>', { status: 500 }),
      'Palette JWKS endpoint answered with HTTP 500',
    ],
    [
      'HTML',
      () =>
        new HttpResponse('<html>maintenance</html>', {
          headers: { 'content-type': 'text/html' },
        }),
      'Palette JWKS endpoint returned a non-JSON response',
    ],
    [
      'not a JWKS',
      () => HttpResponse.json({ keys: 'none' }),
      'Palette JWKS endpoint returned no valid JWKS',
    ],
    [
      'no answer',
      async () => {
        await delay('infinite');
        return HttpResponse.json({});
      },
      'Palette JWKS endpoint did not answer within 200 ms',
    ],
  ])('reports %s with a fixed message', async (_name, reply, message) => {
    server.use(http.get(URI, reply));
    const cache = new JwksCache({ uri: URI, timeoutMs: 200, maxBytes: 65536 });
    const k1 = await newKey('k1');
    const error = await verify(cache, await sign(k1), 'k1').catch(e => e);
    expect(error).toBeInstanceOf(JwksFetchError);
    expect(error.message).toBe(message);
  });
});
