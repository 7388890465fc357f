/*
 * `yarn bench`: the three-way benchmark (a script that prints figures and writes JSON, not a test).
 *
 * Starts the mock Palette and three backends as separate processes (backendProcess.ts): `ours`
 * (this repository's module), `official` (@backstage/plugin-auth-backend-module-oidc-provider) and
 * `floor` (floorModule.ts: Backstage's pipeline with a provider that does no work), same config
 * shape, in-memory SQLite, LOG_LEVEL=warn. After a warm-up, each round measures every backend in
 * turn (the order rotates per round):
 * - N sequential sign-ins (start → mock login → callback, no browser): callback and flow p50/p95;
 * - N sequential refreshes of one live session (p50), then `/refresh` throughput with autocannon
 *   (10 connections), and the backend's CPU time per refresh under that load;
 * - OP calls per sign-in and per refresh, from the mock's counters.
 * It prints ours ÷ official and ours ÷ floor per metric (median and min–max over rounds) and the
 * absolute figures, and writes everything to bench-results/three-way-<time>.json. The
 * micro-benchmarks (micro.ts) run afterwards unless `--skip-micro`.
 *
 *   yarn bench                                  # 3 rounds, 300 sign-ins, 300 refreshes, 5 s load
 *   yarn bench --rounds 5 --signins 500 --duration 10
 *   yarn bench --only ours,floor --cpu-prof /tmp/prof --skip-micro   # CPU profiles per backend
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
  refreshHeaders,
  refreshOnce,
  signIn,
  SignInTiming,
} from './httpFlow';
import { formatSpread, median, percentile, spread } from './stats';
import { isVariant, providerIdOf, Variant, VARIANTS } from './variants';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '3' },
    signins: { type: 'string', default: process.env.BENCH_SIGNINS ?? '300' },
    refreshes: {
      type: 'string',
      default: process.env.BENCH_REFRESHES ?? '300',
    },
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '5' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string', default: VARIANTS.join(',') },
    'cpu-prof': { type: 'string' },
    'skip-micro': { type: 'boolean', default: false },
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

async function measure(
  backend: Backend,
  palette: Child,
  sizes: { signIns: number; refreshes: number; durationS: number },
): Promise<Measurement> {
  const usage = () => backend.child.ask<Usage>('usage', 'usage');
  const calls = () => palette.ask<Calls>('calls', 'calls');
  const reset = () => palette.ask('reset', 'reset');

  await reset();
  const u0 = await usage();
  const timings: SignInTiming[] = [];
  let jar = new CookieJar();
  for (let i = 0; i < sizes.signIns; i++) {
    jar = new CookieJar();
    timings.push(await signIn(backend.authBase, jar, ALICE.uid));
  }
  const u1 = await usage();
  const signInCalls = await calls();

  await reset();
  const refreshUrl = `${backend.authBase}/refresh?optional&env=development`;
  const sequential: number[] = [];
  for (let i = 0; i < sizes.refreshes; i++) {
    sequential.push(await refreshOnce(refreshUrl, jar));
  }
  const u2 = await usage();
  const load = await autocannon({
    url: refreshUrl,
    connections: CONNECTIONS,
    duration: sizes.durationS,
    headers: refreshHeaders(refreshUrl, jar),
  });
  const u3 = await usage();
  // Requests still in flight when the load stopped reach the OP a moment later.
  await new Promise(r => setTimeout(r, 300));
  const refreshCalls = await calls();
  const refreshCount = sizes.refreshes + load.requests.total;

  const callbacks = timings.map(t => t.callbackMs);
  const flows = timings.map(t => t.flowMs);
  return {
    callbackP50: median(callbacks),
    callbackP95: percentile(callbacks, 0.95),
    flowP50: median(flows),
    flowP95: percentile(flows, 0.95),
    cpuMsPerSignIn: (u1.cpuMs - u0.cpuMs) / sizes.signIns,
    opCallsPerSignIn: totalCalls(signInCalls) / sizes.signIns,
    opCallsPerSignInByEndpoint: perUnit(signInCalls, sizes.signIns),
    refreshSeqP50: median(sequential),
    refreshSeqP95: percentile(sequential, 0.95),
    refreshRps: load.requests.total / (load.duration || sizes.durationS),
    refreshErrors: load.non2xx + load.errors + load.timeouts,
    cpuMsPerRefreshUnderLoad:
      (u3.cpuMs - u2.cpuMs) / Math.max(1, load.requests.total),
    opCallsPerRefresh: totalCalls(refreshCalls) / refreshCount,
    opCallsPerRefreshByEndpoint: perUnit(refreshCalls, refreshCount),
    rssMiB: u3.rss / 1024 / 1024,
  };
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
    for (const backend of backends) {
      process.stdout.write(`warm-up ${backend.variant} ...`);
      await measure(backend, palette, {
        signIns: Math.min(50, SIGN_INS),
        refreshes: Math.min(50, REFRESHES),
        durationS: 1,
      });
      console.log(' done');
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = backends.map(
        (_, i) => backends[(i + round) % backends.length],
      );
      for (const backend of order) {
        const m = await measure(backend, palette, {
          signIns: SIGN_INS,
          refreshes: REFRESHES,
          durationS: DURATION_S,
        });
        results[backend.variant].push(m);
        console.log(
          `round ${round + 1} ${backend.variant.padEnd(
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
        rounds: results,
      },
      null,
      2,
    ),
  );
  console.log(`\nwritten ${file}`);

  if (!flags['skip-micro']) {
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
