/*
 * `yarn bench`: the three-way benchmark (a script that prints figures and writes JSON, not a test).
 *
 * Starts the mock Palette and three backends as separate processes (backendProcess.ts): `ours`
 * (this repository's module), `official` (@backstage/plugin-auth-backend-module-oidc-provider) and
 * `floor` (floorModule.ts: Backstage's pipeline with a provider that does no work), same config
 * shape, in-memory SQLite, LOG_LEVEL=warn. After a warm-up, each round measures every backend
 * alternately in blocks (50 sign-ins or refreshes, 2 s of load; the order rotates per block), so
 * that load from other processes on a shared machine hits all three alike:
 * - N sequential sign-ins (start → mock login → callback, no browser): callback and flow p50/p95;
 * - N sequential refreshes of one live session (p50), then `/refresh` throughput with autocannon
 *   (10 connections), and the backend's CPU time per refresh under that load;
 * - OP calls per sign-in and per refresh, from the mock's counters.
 * It prints ours ÷ official and ours ÷ floor per metric (median and min–max over rounds) and the
 * absolute figures, and writes everything to bench-results/three-way-<time>.json. With `--micro`
 * the micro-benchmarks (micro.ts, else `yarn bench:micro`) run afterwards.
 *
 *   yarn bench                                  # 3 rounds, 300 sign-ins, 300 refreshes, 6 s load
 *   yarn bench --rounds 5 --signins 500 --duration 10
 *   yarn bench --only ours,floor --cpu-prof /tmp/prof   # a CPU profile per backend
 */
/* eslint-disable no-console */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { demoUsers } from '@internal/mock-palette';
import { freePort } from '@internal/test-services';
import { Child, forkChild } from './children';
import {
  CookieJar,
  opTokenRequest,
  refreshHeaders,
  refreshOnce,
  signIn,
  SignInTiming,
} from './httpFlow';
import { formatSpread, median, percentile, spread } from './stats';
import { CLIENT, isVariant, providerIdOf, Variant, VARIANTS } from './variants';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '3' },
    signins: { type: 'string', default: process.env.BENCH_SIGNINS ?? '300' },
    refreshes: {
      type: 'string',
      default: process.env.BENCH_REFRESHES ?? '300',
    },
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '6' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string', default: VARIANTS.join(',') },
    'cpu-prof': { type: 'string' },
    micro: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results' },
  },
});

function positive(name: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${name} must be a positive integer`);
  }
  return value;
}

const ROUNDS = positive('rounds', flags.rounds);
const SIGN_INS = positive('signins', flags.signins);
const REFRESHES = positive('refreshes', flags.refreshes);
const DURATION_S = positive('duration', flags.duration);
const CONNECTIONS = positive('connections', flags.connections);
const SELECTED = flags.only!.split(',').filter(isVariant);
if (SELECTED.length === 0) throw new Error('--only names no variant');
const ALICE = demoUsers.find(u => u.email === 'alice@example.com')!;
const REPO_ROOT = resolve(__dirname, '../../..');

type Calls = Record<string, number>;
const totalCalls = (c: Calls) => Object.values(c).reduce((a, b) => a + b, 0);

interface Usage {
  cpuMs: number;
  heapUsed: number;
  rss: number;
}

/** What one round measured of one backend (times in MILLISECONDS). */
interface Measurement {
  callbackP50: number;
  callbackP95: number;
  flowP50: number;
  flowP95: number;
  cpuMsPerSignIn: number;
  opCallsPerSignIn: number;
  opCallsPerSignInByEndpoint: Calls;
  refreshSeqP50: number;
  refreshSeqP95: number;
  refreshRps: number;
  refreshErrors: number;
  cpuMsPerRefreshUnderLoad: number;
  opCallsPerRefresh: number;
  opCallsPerRefreshByEndpoint: Calls;
  rssMiB: number;
}

interface Backend {
  variant: Variant;
  authBase: string;
  child: Child;
}

async function startBackend(
  variant: Variant,
  issuer: string,
): Promise<Backend> {
  const port = await freePort();
  const execArgv = flags['cpu-prof']
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${resolve(flags['cpu-prof'])}`,
        `--cpu-prof-name=${variant}-${Date.now()}.cpuprofile`,
      ]
    : [];
  const child = forkChild(
    require.resolve('./backendProcess.ts'),
    [variant, String(port), issuer],
    { execArgv, env: { LOG_LEVEL: 'warn' } },
  );
  await child.next('ready');
  return {
    variant,
    authBase: `http://127.0.0.1:${port}/api/auth/${providerIdOf(variant)}`,
    child,
  };
}

function perUnit(calls: Calls, units: number): Calls {
  return Object.fromEntries(
    Object.entries(calls)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => [k, Number((n / units).toFixed(3))]),
  );
}

/** Sign-ins and sequential refreshes run in blocks of this size, alternating the backends. */
const BLOCK = 50;
/** The /refresh load runs in slices of this many seconds, alternating the backends. */
const LOAD_SLICE_S = 2;

/** What one backend accumulates over the blocks of a round. */
interface Tally {
  timings: SignInTiming[];
  signInCpuMs: number;
  signInCalls: Calls;
  sequential: number[];
  loadRequests: number;
  loadSeconds: number;
  loadErrors: number;
  loadCpuMs: number;
  refreshCalls: Calls;
  jar: CookieJar;
  rss: number;
}

function addCalls(into: Calls, from: Calls): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

/**
 * One round: every backend measured in alternating blocks (so that a burst of load from other
 * processes on the machine hits all of them alike), the order rotating per block. Sign-ins, then
 * sequential refreshes of the last session, then /refresh load in slices.
 */
async function measureRound(
  backends: Backend[],
  palette: Child,
  issuer: string,
  sizes: { signIns: number; refreshes: number; durationS: number },
  round: number,
): Promise<{ measured: Map<Variant, Measurement>; opTokenP50: number }> {
  const usage = (b: Backend) => b.child.ask<Usage>('usage', 'usage');
  const calls = () => palette.ask<Calls>('calls', 'calls');
  const reset = () => palette.ask('reset', 'reset');
  const settle = () => new Promise(r => setTimeout(r, 300));
  const tallies = new Map<Backend, Tally>(
    backends.map(b => [
      b,
      {
        timings: [],
        signInCpuMs: 0,
        signInCalls: {},
        sequential: [],
        loadRequests: 0,
        loadSeconds: 0,
        loadErrors: 0,
        loadCpuMs: 0,
        refreshCalls: {},
        jar: new CookieJar(),
        rss: 0,
      },
    ]),
  );
  const orderOf = (block: number) =>
    backends.map((_, i) => backends[(i + block + round) % backends.length]);
  const refreshUrl = (b: Backend) =>
    `${b.authBase}/refresh?optional&env=development`;
  const opTimes: number[] = [];

  for (let done = 0, block = 0; done < sizes.signIns; block++) {
    const n = Math.min(BLOCK, sizes.signIns - done);
    for (const b of orderOf(block)) {
      const t = tallies.get(b)!;
      await reset();
      const u0 = await usage(b);
      for (let i = 0; i < n; i++) {
        t.jar = new CookieJar();
        t.timings.push(await signIn(b.authBase, t.jar, ALICE.uid));
      }
      t.signInCpuMs += (await usage(b)).cpuMs - u0.cpuMs;
      addCalls(t.signInCalls, await calls());
    }
    // The OP's part of a callback, measured between the same blocks.
    for (let i = 0; i < Math.min(10, n); i++) {
      opTimes.push(await opTokenRequest(issuer, CLIENT, ALICE.uid));
    }
    done += n;
  }
  for (let done = 0, block = 0; done < sizes.refreshes; block++) {
    const n = Math.min(BLOCK, sizes.refreshes - done);
    for (const b of orderOf(block)) {
      const t = tallies.get(b)!;
      await reset();
      for (let i = 0; i < n; i++) {
        t.sequential.push(await refreshOnce(refreshUrl(b), t.jar));
      }
      addCalls(t.refreshCalls, await calls());
    }
    done += n;
  }
  for (let done = 0, slice = 0; done < sizes.durationS; slice++) {
    const seconds = Math.min(LOAD_SLICE_S, sizes.durationS - done);
    for (const b of orderOf(slice)) {
      const t = tallies.get(b)!;
      await reset();
      const u0 = await usage(b);
      const load = await autocannon({
        url: refreshUrl(b),
        connections: CONNECTIONS,
        duration: seconds,
        headers: refreshHeaders(refreshUrl(b), t.jar),
      });
      const u1 = await usage(b);
      // Requests still in flight when the load stopped reach the OP a moment later.
      await settle();
      t.loadRequests += load.requests.total;
      t.loadSeconds += load.duration || seconds;
      t.loadErrors += load.non2xx + load.errors + load.timeouts;
      t.loadCpuMs += u1.cpuMs - u0.cpuMs;
      t.rss = u1.rss;
      addCalls(t.refreshCalls, await calls());
    }
    done += seconds;
  }

  const result = new Map<Variant, Measurement>();
  for (const [b, t] of tallies) {
    const callbacks = t.timings.map(x => x.callbackMs);
    const flows = t.timings.map(x => x.flowMs);
    const refreshCount = t.sequential.length + t.loadRequests;
    result.set(b.variant, {
      callbackP50: median(callbacks),
      callbackP95: percentile(callbacks, 0.95),
      flowP50: median(flows),
      flowP95: percentile(flows, 0.95),
      cpuMsPerSignIn: t.signInCpuMs / t.timings.length,
      opCallsPerSignIn: totalCalls(t.signInCalls) / t.timings.length,
      opCallsPerSignInByEndpoint: perUnit(t.signInCalls, t.timings.length),
      refreshSeqP50: median(t.sequential),
      refreshSeqP95: percentile(t.sequential, 0.95),
      refreshRps: t.loadRequests / t.loadSeconds,
      refreshErrors: t.loadErrors,
      cpuMsPerRefreshUnderLoad: t.loadCpuMs / Math.max(1, t.loadRequests),
      opCallsPerRefresh: totalCalls(t.refreshCalls) / refreshCount,
      opCallsPerRefreshByEndpoint: perUnit(t.refreshCalls, refreshCount),
      rssMiB: t.rss / 1024 / 1024,
    });
  }
  return { measured: result, opTokenP50: median(opTimes) };
}

/** Ratios of ours to another variant: per metric, one value per round. */
const RATIO_METRICS: Array<{
  key: keyof Measurement;
  label: string;
  target?: string;
}> = [
  { key: 'refreshRps', label: '/refresh throughput', target: '≥ 0.95' },
  { key: 'refreshSeqP50', label: 'sequential refresh p50', target: '≤ 1.10' },
  { key: 'callbackP50', label: 'callback p50', target: '≤ 1.25' },
  { key: 'callbackP95', label: 'callback p95' },
  { key: 'flowP50', label: 'sign-in flow p50' },
  { key: 'flowP95', label: 'sign-in flow p95' },
  { key: 'cpuMsPerRefreshUnderLoad', label: 'CPU per refresh (load)' },
  { key: 'cpuMsPerSignIn', label: 'CPU per sign-in' },
];

const ABSOLUTE: Array<{ key: keyof Measurement; label: string; unit: string }> =
  [
    { key: 'refreshRps', label: '/refresh throughput', unit: 'req/s' },
    { key: 'refreshSeqP50', label: 'sequential refresh p50', unit: 'ms' },
    { key: 'callbackP50', label: 'callback p50', unit: 'ms' },
    { key: 'callbackP95', label: 'callback p95', unit: 'ms' },
    { key: 'flowP50', label: 'sign-in flow p50', unit: 'ms' },
    { key: 'flowP95', label: 'sign-in flow p95', unit: 'ms' },
    { key: 'cpuMsPerRefreshUnderLoad', label: 'CPU per refresh', unit: 'ms' },
    { key: 'cpuMsPerSignIn', label: 'CPU per sign-in', unit: 'ms' },
    { key: 'opCallsPerSignIn', label: 'OP calls per sign-in', unit: '' },
    { key: 'opCallsPerRefresh', label: 'OP calls per refresh', unit: '' },
    { key: 'refreshErrors', label: 'refresh errors under load', unit: '' },
  ];

async function main() {
  const startedAt = new Date();
  const palette = forkChild(require.resolve('./paletteProcess.ts'), []);
  const { issuer } = await palette.next<{ issuer: string }>('palette');
  const backends: Backend[] = [];
  for (const variant of SELECTED) {
    backends.push(await startBackend(variant, issuer));
  }
  const opTokenP50s: number[] = [];
  const results: Record<Variant, Measurement[]> = {
    ours: [],
    official: [],
    floor: [],
  };
  try {
    console.log(
      `three-way benchmark: ${SELECTED.join(', ')}; ${ROUNDS} rounds of ` +
        `${SIGN_INS} sign-ins, ${REFRESHES} sequential refreshes, ${DURATION_S} s of ` +
        `/refresh load (${CONNECTIONS} connections); ${
          os.cpus().length
        } CPUs, Node ${process.version}`,
    );
    process.stdout.write('warm-up ...');
    await measureRound(
      backends,
      palette,
      issuer,
      {
        signIns: Math.min(BLOCK, SIGN_INS),
        refreshes: Math.min(BLOCK, REFRESHES),
        durationS: 1,
      },
      0,
    );
    console.log(' done');
    for (let round = 0; round < ROUNDS; round++) {
      const { measured, opTokenP50 } = await measureRound(
        backends,
        palette,
        issuer,
        { signIns: SIGN_INS, refreshes: REFRESHES, durationS: DURATION_S },
        round,
      );
      opTokenP50s.push(opTokenP50);
      for (const [variant, m] of measured) {
        results[variant].push(m);
        console.log(
          `round ${round + 1} ${variant.padEnd(
            8,
          )} refresh ${m.refreshRps.toFixed(
            0,
          )} req/s, seq p50 ${m.refreshSeqP50.toFixed(
            2,
          )} ms, callback p50 ${m.callbackP50.toFixed(
            2,
          )} ms, flow p50 ${m.flowP50.toFixed(2)} ms`,
        );
      }
    }
  } finally {
    await Promise.all(backends.map(b => b.child.stop()));
    await palette.stop();
  }

  const ratios: Record<string, Record<string, ReturnType<typeof spread>>> = {};
  for (const other of ['official', 'floor'] as const) {
    if (!SELECTED.includes('ours') || !SELECTED.includes(other)) continue;
    ratios[`ours/${other}`] = Object.fromEntries(
      RATIO_METRICS.map(({ key }) => [
        key,
        spread(
          results.ours.map(
            (m, i) => (m[key] as number) / (results[other][i][key] as number),
          ),
        ),
      ]),
    );
  }

  console.log(
    '\nRatios, median (min–max) over rounds; throughput: higher is better for ours, times and CPU: lower',
  );
  const columns = Object.keys(ratios);
  console.log(
    `| metric | ${columns.join(' | ')} | target (÷ floor) |\n|---|${columns
      .map(() => '---|')
      .join('')}---|`,
  );
  for (const { key, label, target } of RATIO_METRICS) {
    console.log(
      `| ${label} | ${columns
        .map(c => formatSpread(ratios[c][key]))
        .join(' | ')} | ${target ?? ''} |`,
    );
  }
  console.log('\nAbsolute figures, median over rounds (noisy: shared machine)');
  console.log(
    `| metric | ${SELECTED.join(' | ')} |\n|---|${SELECTED.map(
      () => '---|',
    ).join('')}`,
  );
  for (const { key, label, unit } of ABSOLUTE) {
    console.log(
      `| ${label}${unit ? ` (${unit})` : ''} | ${SELECTED.map(v =>
        median(results[v].map(m => m[key] as number)).toFixed(2),
      ).join(' | ')} |`,
    );
  }
  for (const v of SELECTED) {
    const last = results[v][results[v].length - 1];
    console.log(
      `OP calls of ${v}: per sign-in ${JSON.stringify(
        last.opCallsPerSignInByEndpoint,
      )}, per refresh ${JSON.stringify(last.opCallsPerRefreshByEndpoint)}`,
    );
  }
  let callbackWithoutOp: ReturnType<typeof spread> | undefined;
  if (SELECTED.includes('ours') && SELECTED.includes('floor')) {
    callbackWithoutOp = spread(
      results.ours.map(
        (m, i) =>
          (m.callbackP50 - opTokenP50s[i]) / results.floor[i].callbackP50,
      ),
    );
    console.log(
      `OP token request p50 (its part of our callback, timed directly): ${median(
        opTokenP50s,
      ).toFixed(2)} ms; our callback p50 less it ÷ floor: ${formatSpread(
        callbackWithoutOp,
      )}`,
    );
  }

  const outDir = resolve(REPO_ROOT, flags.out!);
  mkdirSync(outDir, { recursive: true });
  const file = join(
    outDir,
    `three-way-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`,
  );
  writeFileSync(
    file,
    JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        machine: {
          cpus: os.cpus().length,
          node: process.version,
          platform: process.platform,
        },
        options: {
          rounds: ROUNDS,
          signIns: SIGN_INS,
          refreshes: REFRESHES,
          durationS: DURATION_S,
          connections: CONNECTIONS,
          variants: SELECTED,
        },
        ratios,
        opTokenRequestP50Ms: opTokenP50s,
        callbackWithoutOpRatio: callbackWithoutOp,
        rounds: results,
      },
      null,
      2,
    ),
  );
  console.log(`\nwritten ${file}`);

  if (flags.micro) {
    const micro = forkChild(require.resolve('./micro.ts'), [], {
      execArgv: ['--expose-gc'],
    });
    await new Promise(r => micro.process.once('exit', r));
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
