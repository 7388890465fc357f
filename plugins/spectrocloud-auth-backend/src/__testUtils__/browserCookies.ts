import type { Response } from 'supertest';

/** Every `Set-Cookie` header of a response. */
export function setCookies(res: Response): string[] {
  const raw = res.headers['set-cookie'] as unknown;
  if (!raw) {
    return [];
  }
  return Array.isArray(raw) ? raw : [String(raw)];
}

/** The last `Set-Cookie` for `name` (the one a browser keeps), or `undefined`. */
export function cookie(res: Response, name: string): string | undefined {
  return setCookies(res)
    .filter(c => c.startsWith(`${name}=`))
    .pop();
}

/** The value part of a `Set-Cookie` header. */
export function cookieValue(setCookie: string): string {
  return setCookie.split(';')[0].split('=').slice(1).join('=');
}

/** The `name=value` pair of a `Set-Cookie` header, as a `Cookie` request header carries it. */
export function cookiePair(setCookie: string): string {
  return setCookie.split(';')[0];
}

/**
 * `Set-Cookie` headers of `res` that set (not clear) a cookie whose name starts with one of
 * `prefixes`.
 */
export function cookiesSetWithValue(
  res: Response,
  prefixes: string[],
): string[] {
  return setCookies(res).filter(
    c => prefixes.some(p => c.startsWith(p)) && cookieValue(c) !== '',
  );
}

/**
 * A minimal browser cookie jar for one host: applies `Set-Cookie` headers in order (an empty
 * value, an `Expires` in the past or `Max-Age<=0` removes the cookie) and sends every cookie it
 * holds. Paths and domains are ignored: every request of the tests goes to the auth routes.
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Applies every `Set-Cookie` header of `res`. */
  apply(res: Response): void {
    for (const header of setCookies(res)) {
      const [pair, ...attributes] = header.split(';').map(s => s.trim());
      const name = pair.split('=')[0];
      const value = pair.split('=').slice(1).join('=');
      const expired = attributes.some(a => {
        const [key, val] = a.split('=');
        if (/^expires$/i.test(key)) {
          return Date.parse(val) <= Date.now();
        }
        if (/^max-age$/i.test(key)) {
          return Number(val) <= 0;
        }
        return false;
      });
      if (value === '' || expired) {
        this.#cookies.delete(name);
      } else {
        this.#cookies.set(name, value);
      }
    }
  }

  /** The `Cookie` request header value. */
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** The names of the cookies held. */
  names(): string[] {
    return [...this.#cookies.keys()];
  }
}
