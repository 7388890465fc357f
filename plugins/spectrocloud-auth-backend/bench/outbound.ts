/*
 * Benchmark (not a timed test): what a hostile Palette does to the backend. The REAL auth backend
 * (auth plugin + this module) runs in this process against the mock Palette; a child process
 * serves hostile bodies (200 MB, never-ending, 1 byte / 0.5 s, 30 MB valid JSON, HTML) on the
 * token, discovery, JWKS and session renewal endpoints. For each case it runs two attacks at once
 * while four loops request an unrelated route (`/api/auth/.well-known/openid-configuration`), and
 * prints how long the attacked request took, the backend's peak RSS above idle, the unrelated
 * requests' p99 and max latency and failures, and the hostile responses still open afterwards.
 * Outbound timeout: 2 s. Run from the repository root:
 *
 *   yarn bench:outbound                 # every endpoint x every body
 *   yarn bench:outbound token huge      # filter by endpoint and/or body
 */
/* eslint-disable no-console */
import { fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { createLogCapture } from '../src/__testUtils__/logCapture';
import {
  paletteProviderConfig,
  startSpectroCloudTestBackend,
} from '../src/__testUtils__/testBackend';
import {
  HOSTILE_BODIES,
  HostileBody,
  startMockPalette,
} from '@internal/mock-palette';

const ENDPOINTS = ['token', 'discovery', 'jwks', 'renewal'] as const;
type Endpoint = (typeof ENDPOINTS)[number];
const TIMEOUT = { seconds: 2 };
const ATTACKS = 2;
const LOOPS = 4;
const TAIL_MS = 3000;
const ATTACK_CAP_MS = 40_000;
const AUTH = '/api/auth/spectrocloud';

const gc = (globalThis as { gc?: () => void }).gc;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** The `name=value` pairs a browser would keep from `res` (cleared cookies dropped). */
function setCookiePairs(res: Response): string[] {
  const kept = new Map<string, string>();
  for (const pair of res.headers.getSetCookie().map(c => c.split(';')[0])) {
    const name = pair.split('=')[0];
    if (pair.endsWith('=')) kept.delete(name);
    else kept.set(name, pair);
  }
  return [...kept.values()];
}

async function main() {
  const [endpointFilter, bodyFilter] = process.argv.slice(2);
  const child = fork(require.resolve('./hostileBodyProcess.ts'), [], {
    execArgv: ['--require', '@backstage/cli/config/nodeTransform.cjs'],
  });
  /** The next message of the child that has `key` (other IPC traffic is ignored). */
  const nextMessage = <T>(key: string) =>
    new Promise<T>(resolve => {
      const listener = (m: any) => {
        if (m && typeof m === 'object' && key in m) {
          child.off('message', listener);
          resolve(m[key]);
        }
      };
      child.on('message', listener);
    });
  const hostileUrl = await nextMessage<string>('url');
  const hostileOpen = () => {
    const next = nextMessage<Record<HostileBody, number>>('open');
    child.send({ cmd: 'open' });
    return next;
  };

  const palette = await startMockPalette({ port: 0 });
  const providers: Record<string, any> = {
    development: paletteProviderConfig(palette, { timeout: TIMEOUT }),
  };
  for (const body of HOSTILE_BODIES) {
    const at = `${hostileUrl}/${body}`;
    providers[`token-${body}`] = paletteProviderConfig(palette, {
      timeout: TIMEOUT,
      tokenUrl: `${at}/token`,
    });
    providers[`discovery-${body}`] = paletteProviderConfig(palette, {
      timeout: TIMEOUT,
      issuer: palette.issuer,
      metadataUrl: `${at}/.well-known/openid-configuration`,
      discovery: 'required',
    });
    providers[`jwks-${body}`] = paletteProviderConfig(palette, {
      timeout: TIMEOUT,
      jwksUrl: `${at}/jwks`,
    });
    providers[`renewal-${body}`] = paletteProviderConfig(palette, {
      timeout: TIMEOUT,
      apiUrl: at,
    });
  }
  const { logger } = createLogCapture();
  const backend = await startSpectroCloudTestBackend({ logger, providers });
  const base = `http://127.0.0.1:${
    (backend.server.address() as AddressInfo).port
  }`;

  async function start(env: string) {
    const res = await fetch(`${base}${AUTH}/start?env=${env}`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(ATTACK_CAP_MS),
    });
    const text = await res.text();
    return { res, text, cookies: setCookiePairs(res) };
  }

  async function callback(env: string): Promise<Response> {
    const { res, cookies } = await start(env);
    const url = new URL(res.headers.get('location')!);
    const q = url.searchParams;
    const code = await palette.authorize({
      email: 'alice@example.com',
      redirectUri: q.get('redirect_uri')!,
      state: q.get('state')!,
      nonce: q.get('nonce') ?? undefined,
      codeChallenge: q.get('code_challenge') ?? undefined,
      codeChallengeMethod: q.get('code_challenge_method') ?? undefined,
    });
    return fetch(
      `${base}${AUTH}/handler/frame?${new URLSearchParams({
        code,
        state: q.get('state')!,
      })}`,
      {
        headers: { cookie: cookies.join('; ') },
        signal: AbortSignal.timeout(ATTACK_CAP_MS),
      },
    );
  }

  async function refreshCookieFor(env: string): Promise<string> {
    palette.settings.sessionTokenLifetimeSeconds = 200; // inside the 300 s renewal window
    try {
      const res = await callback(env);
      await res.text();
      const cookie = setCookiePairs(res).find(c =>
        c.startsWith('spectrocloud-refresh-token='),
      );
      if (!cookie) throw new Error(`sign-in on ${env} set no refresh cookie`);
      return cookie;
    } finally {
      palette.settings.sessionTokenLifetimeSeconds = 900;
    }
  }

  async function attack(endpoint: Endpoint, body: HostileBody) {
    const env = `${endpoint}-${body}`;
    const cookie =
      endpoint === 'renewal' ? await refreshCookieFor(env) : undefined;
    const t0 = performance.now();
    try {
      let res: Response;
      let text: string;
      if (endpoint === 'discovery') {
        ({ res, text } = await start(env));
      } else if (endpoint === 'renewal') {
        res = await fetch(`${base}${AUTH}/refresh?env=${env}`, {
          headers: { cookie: cookie!, 'x-requested-with': 'XMLHttpRequest' },
          signal: AbortSignal.timeout(ATTACK_CAP_MS),
        });
      } else {
        res = await callback(env);
      }
      if (endpoint !== 'discovery') text = await res.text();
      const message =
        /"message":"([^"]{0,90})/.exec(decodeURIComponent(text))?.[1] ??
        /\\"message\\":\\"([^\\]{0,90})/.exec(text)?.[1] ??
        `HTTP ${res.status}`;
      return { ms: performance.now() - t0, outcome: message };
    } catch (error) {
      return {
        ms: performance.now() - t0,
        outcome: `client gave up: ${(error as Error).name}`,
      };
    }
  }

  async function unrelatedLoad(stop: { done: boolean }) {
    const latencies: number[] = [];
    let failures = 0;
    const loop = async () => {
      while (!stop.done) {
        const t0 = performance.now();
        try {
          const res = await fetch(
            `${base}/api/auth/.well-known/openid-configuration`,
            { signal: AbortSignal.timeout(30_000) },
          );
          await res.arrayBuffer();
          if (!res.ok) failures += 1;
        } catch {
          failures += 1;
        }
        latencies.push(performance.now() - t0);
        await sleep(20);
      }
    };
    await Promise.all(Array.from({ length: LOOPS }, loop));
    return { latencies: latencies.sort((a, b) => a - b), failures };
  }

  // Warm up: one genuine sign-in, JIT and caches.
  for (let i = 0; i < 3; i++) await (await callback('development')).text();

  console.log(
    `outbound timeout ${TIMEOUT.seconds} s; ${ATTACKS} concurrent attacks per case; ${LOOPS} unrelated request loops`,
  );
  console.log(
    [
      'endpoint ',
      'body    ',
      'attack answered (ms)',
      'RSS idle',
      'RSS peak',
      'unrelated p99/max (ms)',
      'fails',
      'open after',
      'outcome',
    ].join(' | '),
  );
  for (const endpoint of ENDPOINTS) {
    if (endpointFilter && endpointFilter !== endpoint) continue;
    for (const body of HOSTILE_BODIES) {
      if (bodyFilter && bodyFilter !== body) continue;
      gc?.();
      await sleep(200);
      const idle = process.memoryUsage().rss;
      let peak = idle;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 25);
      const stop = { done: false };
      const load = unrelatedLoad(stop);
      const results = await Promise.all(
        Array.from({ length: ATTACKS }, () => attack(endpoint, body)),
      );
      await sleep(TAIL_MS);
      stop.done = true;
      const { latencies, failures } = await load;
      clearInterval(sampler);
      const open = (await hostileOpen())[body];
      console.log(
        [
          endpoint.padEnd(9),
          body.padEnd(8),
          results
            .map(r => r.ms.toFixed(0))
            .join(', ')
            .padEnd(20),
          mib(idle).padEnd(8),
          mib(peak).padEnd(8),
          `${percentile(latencies, 0.99).toFixed(0)}/${(
            latencies[latencies.length - 1] ?? NaN
          ).toFixed(0)} (n=${latencies.length})`.padEnd(22),
          String(failures).padEnd(5),
          String(open).padEnd(10),
          results[0].outcome,
        ].join(' | '),
      );
    }
  }
  await backend.stop();
  await palette.close();
  child.disconnect();
  // Hanging downloads of the code before this change would keep the process alive.
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
