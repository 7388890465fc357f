/*
 * Memory benchmark of the in-process tier (not a timed test): one million DISTINCT
 * storeSessionToken calls through the synchronous seed API, then the tier's size (at most its
 * configured maximum) and heap figures. Run from the repository root:
 *
 *   yarn bench:token-cache                      # maxEntries 10000 (the default)
 *   yarn bench:token-cache --maxEntries 50000 --calls 2000000
 *
 * Heap figures after a forced GC need --expose-gc (the root script passes it).
 */
/* eslint-disable no-console */
import { InProcessTokenStore } from '../src/InProcessTokenStore';
import { setProcessTokenStore, storeSessionToken } from '../src/seedApi';

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${name} must be a positive integer`);
  }
  return value;
}

const gc = (globalThis as { gc?: () => void }).gc;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
function heap(label: string) {
  gc?.();
  const { heapUsed, heapTotal, rss } = process.memoryUsage();
  console.log(
    `${label.padEnd(28)} heapUsed ${mib(heapUsed).padStart(
      10,
    )}  heapTotal ${mib(heapTotal).padStart(10)}  rss ${mib(rss).padStart(10)}`,
  );
  return heapUsed;
}

const calls = argument('calls', 1_000_000);
const maxEntries = argument('maxEntries', 10_000);
if (!gc) {
  console.log('(run with node --expose-gc for heap figures after a full GC)');
}
const store = new InProcessTokenStore({ maxEntries, sweepIntervalMs: 60_000 });
setProcessTokenStore(store);

const before = heap('before');
// A realistic token: an HS256 JWT of ~250 characters, distinct per call.
const filler = 'x'.repeat(180);
const expiresAt = Math.floor(Date.now() / 1000) + 900;
const started = process.hrtime.bigint();
for (let n = 0; n < calls; n++) {
  storeSessionToken(
    `user${n}@example.com`,
    `eyJhbGciOiJIUzI1NiJ9.${n}.${filler}`,
    expiresAt,
  );
}
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
const after = heap(`after ${calls.toLocaleString('en')} calls`);
const size = store.size;

console.log(`in-process tier size         ${size} (maxEntries ${maxEntries})`);
console.log(
  `heap growth                  ${mib(after - before)} (${(
    (after - before) /
    size
  ).toFixed(0)} bytes per held entry)`,
);
console.log(
  `store rate                   ${Math.round(
    calls / (elapsedMs / 1000),
  ).toLocaleString('en')} calls/s (informative only)`,
);
store.close();
if (size > maxEntries) {
  console.error(
    `FAIL: the in-process tier holds ${size} entries, more than ${maxEntries}`,
  );
  process.exitCode = 1;
}
