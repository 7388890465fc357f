import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** A running `oidc-provider` OP in a child process (see `oidcProviderServer.mjs`). */
export interface OidcProviderProcess {
  /** `http://localhost:<port>`; the authorization endpoint is `<issuer>/auth`. */
  issuer: string;
  /** What the child wrote to stderr (for failure messages). */
  stderr: string[];
  stop(): Promise<void>;
}

/** Starts the OP and waits (at most 20 s) until it listens. */
export async function startOidcProvider(options: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  accounts: Record<string, Record<string, unknown>>;
}): Promise<OidcProviderProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [resolve(__dirname, 'oidcProviderServer.mjs')],
    {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        OIDC_PROVIDER_OPTIONS: JSON.stringify(options),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stderr: string[] = [];
  child.stderr!.on('data', chunk => stderr.push(String(chunk)));
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<string>((resolveIssuer, reject) => {
    lines.once('line', line => {
      try {
        resolveIssuer(JSON.parse(line).issuer);
      } catch {
        reject(new Error(`oidc-provider said: ${line}`));
      }
    });
    child.once('exit', code =>
      reject(
        new Error(`oidc-provider exited with ${code}: ${stderr.join('')}`),
      ),
    );
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    const issuer = await ready;
    return {
      issuer,
      stderr,
      async stop() {
        if (child.exitCode === null) {
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          await exited;
        }
      },
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A cookie jar for one host that ignores paths (the OP's cookies are path-scoped but distinct). */
class Jar {
  readonly #cookies = new Map<string, string>();

  apply(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(header)) {
        this.#cookies.delete(name);
      } else {
        this.#cookies.set(name, value);
      }
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Plays the user in the OP's stock development pages: follows the authorization URL, logs in as
 * `accountId` (any password), grants consent, and returns the final redirect to the client (the
 * callback URL with `code`, `state` and `iss`).
 */
export async function loginAndConsent(
  authorizationUrl: string,
  accountId: string,
): Promise<URL> {
  const jar = new Jar();
  let url = new URL(authorizationUrl);
  const origin = url.origin;
  for (let step = 0; step < 10; step += 1) {
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: jar.header() },
      signal: AbortSignal.timeout(5000),
    });
    jar.apply(res);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, url);
      await res.body?.cancel();
      if (next.origin !== origin) {
        return next;
      }
      url = next;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200 || !/\/interaction\//.test(url.pathname)) {
      throw new Error(`unexpected OP answer ${res.status} at ${url.pathname}`);
    }
    const prompt = /name="prompt" value="(login|consent)"/.exec(html)?.[1];
    if (!prompt) {
      throw new Error(`no login or consent form at ${url.pathname}`);
    }
    const submit = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: jar.header(),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(
        prompt === 'login'
          ? { prompt, login: accountId, password: 'any' }
          : { prompt },
      ),
      signal: AbortSignal.timeout(5000),
    });
    jar.apply(submit);
    await submit.body?.cancel();
    if (submit.status < 300 || submit.status >= 400) {
      throw new Error(`the ${prompt} form answered ${submit.status}`);
    }
    url = new URL(submit.headers.get('location')!, url);
  }
  throw new Error('too many steps at the OP');
}
