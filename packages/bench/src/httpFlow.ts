/**
 * The browser's part of a sign-in and a refresh, without a browser: a small cookie jar (name,
 * value, path), `start` → mock login (the approval form of the mock Palette, posted directly) →
 * callback, and `GET /refresh` with Backstage's `X-Requested-With` header. Every request sends
 * `Accept-Encoding` like a browser, so responses are compressed as in real use.
 */

/** Cookies a browser would keep, by name. */
export class CookieJar {
  readonly #cookies = new Map<string, { value: string; path: string }>();

  /** Takes the `Set-Cookie` headers of `res` (cleared cookies are dropped). */
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map(s => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path =
        attributes.find(a => a.toLowerCase().startsWith('path='))?.slice(5) ??
        '/';
      const expired = attributes.some(
        a =>
          a.toLowerCase().startsWith('expires=') &&
          Date.parse(a.slice(8)) <= Date.now(),
      );
      if (!value || expired) this.#cookies.delete(name);
      else this.#cookies.set(name, { value, path });
    }
  }

  /** The `Cookie` header for a request to `url`. */
  header(url: string): string {
    const { pathname } = new URL(url);
    return [...this.#cookies]
      .filter(([, c]) => pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  has(name: string): boolean {
    return this.#cookies.has(name);
  }
}

const BROWSER_HEADERS = { 'accept-encoding': 'gzip, deflate, br' };

async function get(url: string, jar: CookieJar, headers = {}) {
  const res = await fetch(url, {
    redirect: 'manual',
    headers: { ...BROWSER_HEADERS, cookie: jar.header(url), ...headers },
  });
  await res.arrayBuffer();
  jar.take(res);
  return res;
}

/** Milliseconds since `start` (a `performance.now()` value). */
const since = (start: number) => performance.now() - start;

/** Timings of one sign-in, MILLISECONDS. */
export interface SignInTiming {
  callbackMs: number;
  flowMs: number;
}

/**
 * One sign-in of `userUid` at the provider under `authBase` (`.../api/auth/<id>`): GET start,
 * POST the mock's approval form, GET the callback. Leaves the session's cookies in `jar`.
 *
 * @throws Error when a step does not answer as a successful sign-in does
 */
export async function signIn(
  authBase: string,
  jar: CookieJar,
  userUid: string,
): Promise<SignInTiming> {
  const t0 = performance.now();
  const start = await get(`${authBase}/start?env=development`, jar);
  const authorizeUrl = start.headers.get('location');
  if (start.status !== 302 || !authorizeUrl) {
    throw new Error(`start answered ${start.status}`);
  }
  const authorize = new URL(authorizeUrl);
  const form = new URLSearchParams(authorize.searchParams);
  form.set('user', userUid);
  const approve = await fetch(
    `${authorize.origin}${authorize.pathname}/approve`,
    { method: 'POST', body: form, redirect: 'manual' },
  );
  await approve.arrayBuffer();
  const callbackUrl = approve.headers.get('location');
  if (approve.status !== 302 || !callbackUrl) {
    throw new Error(`the mock login answered ${approve.status}`);
  }
  const t1 = performance.now();
  const callback = await get(callbackUrl, jar);
  const callbackMs = since(t1);
  if (callback.status !== 200) {
    throw new Error(`the callback answered ${callback.status}`);
  }
  return { callbackMs, flowMs: since(t0) };
}

/** The headers of a refresh request as the frontend sends it (cookies from `jar`). */
export function refreshHeaders(url: string, jar: CookieJar) {
  return {
    ...BROWSER_HEADERS,
    'x-requested-with': 'XMLHttpRequest',
    cookie: jar.header(url),
  };
}

/** One refresh; resolves to its time in MILLISECONDS. @throws Error unless it answered 200 */
export async function refreshOnce(url: string, jar: CookieJar) {
  const t0 = performance.now();
  const res = await fetch(url, { headers: refreshHeaders(url, jar) });
  await res.arrayBuffer();
  const ms = since(t0);
  if (res.status !== 200) throw new Error(`refresh answered ${res.status}`);
  return ms;
}

/**
 * The OP's share of a callback, for reference: the mock login of a flow (not timed), then one
 * authorization code exchange at `{issuer}/token` (client_secret_basic) timed the way our module
 * makes it inside its callback. Resolves to MILLISECONDS.
 */
export async function opTokenRequest(
  issuer: string,
  client: { clientId: string; clientSecret: string },
  userUid: string,
): Promise<number> {
  const redirectUri = 'http://127.0.0.1:9/callback';
  const approve = await fetch(`${issuer}/auth/approve`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({
      client_id: client.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid profile email',
      state: 'bench',
      nonce: 'bench-nonce',
      user: userUid,
    }),
  });
  await approve.arrayBuffer();
  const code = new URL(approve.headers.get('location')!).searchParams.get(
    'code',
  );
  if (!code) throw new Error(`the mock login answered ${approve.status}`);
  const t0 = performance.now();
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(
        `${client.clientId}:${client.clientSecret}`,
      ).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
    }),
  });
  await res.arrayBuffer();
  const ms = since(t0);
  if (res.status !== 200) throw new Error(`token answered ${res.status}`);
  return ms;
}
