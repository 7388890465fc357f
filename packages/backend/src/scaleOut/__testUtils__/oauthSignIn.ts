import { MockPalette } from '@internal/mock-palette';

/** What the auth backend's frame handler posted back to the app. */
export interface SignInResult {
  /** The Backstage token, when sign-in succeeded. */
  backstageToken?: string;
  /** The Palette session token Backstage got (`providerInfo.accessToken`). */
  paletteSessionToken?: string;
  userEntityRef?: string;
  /** The frame response's `providerInfo.expiresInSeconds`. */
  expiresInSeconds?: number;
  /** The cookies the frame response set, as a browser's jar would hold them. */
  jar: CookieJar;
  /** The callback request, to replay it. */
  callback: { url: string; nonceCookie: string };
  error?: string;
  /** `error.name` of the frame's error payload. */
  errorName?: string;
}

/**
 * A browser's cookie jar for the backend's host (names only matter: every cookie of these
 * tests is for the same site): `name=value` pairs, with their `Set-Cookie` attributes.
 */
export class CookieJar {
  readonly cookies = new Map<string, { value: string; setCookie: string }>();

  /** Applies a response's `Set-Cookie` headers (an empty value or `Max-Age=0` deletes). */
  apply(setCookies: string[]): this {
    for (const setCookie of setCookies) {
      const [pair] = setCookie.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (
        !value ||
        /;\s*Max-Age=0(;|$)/i.test(setCookie) ||
        /Expires=Thu, 01 Jan 1970/.test(setCookie)
      ) {
        this.cookies.delete(name);
      } else {
        this.cookies.set(name, { value, setCookie });
      }
    }
    return this;
  }

  /** A copy, as an attacker who copied the jar holds it. */
  copy(): CookieJar {
    const jar = new CookieJar();
    this.cookies.forEach((v, k) => jar.cookies.set(k, { ...v }));
    return jar;
  }

  /** The `Cookie` request header. */
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v.value}`).join('; ');
  }

  /** `Max-Age` of cookie `name`, in seconds, or `undefined`. */
  maxAge(name: string): number | undefined {
    const m = /;\s*Max-Age=(\d+)/i.exec(
      this.cookies.get(name)?.setCookie ?? '',
    );
    return m ? Number(m[1]) : undefined;
  }
}

function cookiePair(setCookies: string[], name: string): string | undefined {
  return setCookies
    .filter(c => c.startsWith(`${name}=`))
    .pop()
    ?.split(';')[0];
}

/**
 * The browser's part of a SpectroCloud sign-in, over HTTP: `GET <startBase>/api/auth/spectrocloud/start`,
 * the mock Palette's approval (`palette.authorize`, as if `email` clicked), then
 * `GET <frameBase>/api/auth/spectrocloud/handler/frame?code&state` with the nonce cookie.
 * `startBase` and `frameBase` may be different backend instances.
 */
export async function signInOverHttp(options: {
  palette: MockPalette;
  email: string;
  startBase: string;
  frameBase: string;
}): Promise<SignInResult> {
  const { palette, email, startBase, frameBase } = options;
  const start = await fetch(
    `${startBase}/api/auth/spectrocloud/start?env=development`,
    { redirect: 'manual', signal: AbortSignal.timeout(15_000) },
  );
  if (start.status !== 302) {
    throw new Error(`/start answered ${start.status}`);
  }
  const location = new URL(start.headers.get('location')!);
  const q = location.searchParams;
  const nonce = cookiePair(start.headers.getSetCookie(), 'spectrocloud-nonce');
  if (!nonce) {
    throw new Error('/start set no nonce cookie');
  }
  const code = await palette.authorize({
    email,
    redirectUri: q.get('redirect_uri')!,
    state: q.get('state')!,
    nonce: q.get('nonce') ?? undefined,
    codeChallenge: q.get('code_challenge') ?? undefined,
    codeChallengeMethod: q.get('code_challenge_method') ?? undefined,
  });
  const callback = {
    url: `/api/auth/spectrocloud/handler/frame?${new URLSearchParams({
      code,
      state: q.get('state')!,
    })}`,
    nonceCookie: nonce,
  };
  const frame = await fetch(`${frameBase}${callback.url}`, {
    headers: { Cookie: nonce },
    signal: AbortSignal.timeout(30_000),
  });
  const jar = new CookieJar().apply(frame.headers.getSetCookie());
  const html = await frame.text();
  const match = /decodeURIComponent\('([^']*)'\)/.exec(html);
  if (!match) {
    throw new Error(
      `the frame handler answered ${frame.status} without a payload`,
    );
  }
  const payload = JSON.parse(decodeURIComponent(match[1]));
  if (payload.error) {
    return {
      jar,
      callback,
      error: String(payload.error.message ?? payload.error.name),
      errorName: payload.error.name,
    };
  }
  const { backstageIdentity, providerInfo } = payload.response ?? {};
  return {
    jar,
    callback,
    backstageToken: backstageIdentity?.token,
    userEntityRef: backstageIdentity?.identity?.userEntityRef,
    paletteSessionToken: providerInfo?.accessToken,
    expiresInSeconds: providerInfo?.expiresInSeconds,
  };
}

/** Replays a callback (same code, state and nonce cookie) on `base`: the frame's error or token. */
export async function replayCallback(
  base: string,
  callback: SignInResult['callback'],
): Promise<{ error?: string; backstageToken?: string }> {
  const frame = await fetch(`${base}${callback.url}`, {
    headers: { Cookie: callback.nonceCookie },
    signal: AbortSignal.timeout(30_000),
  });
  const match = /decodeURIComponent\('([^']*)'\)/.exec(await frame.text());
  const payload = JSON.parse(decodeURIComponent(match![1]));
  return payload.error
    ? { error: String(payload.error.message) }
    : { backstageToken: payload.response?.backstageIdentity?.token };
}

/** `GET /refresh` (or `POST /logout`) the way core-app-api calls it, with `jar`'s cookies. */
export async function authCall(
  base: string,
  action: 'refresh' | 'logout',
  jar: CookieJar,
): Promise<{ status: number; body: any; setCookies: string[] }> {
  const res = await fetch(
    `${base}/api/auth/spectrocloud/${action}?env=development${
      action === 'refresh' ? '&optional' : ''
    }`,
    {
      method: action === 'refresh' ? 'GET' : 'POST',
      headers: { Cookie: jar.header(), 'X-Requested-With': 'XMLHttpRequest' },
      signal: AbortSignal.timeout(30_000),
    },
  );
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body, setCookies: res.headers.getSetCookie() };
}
