import { relative } from 'node:path';
import { missingServices, ServiceName } from './binaries';

/** Whether `CI` is set to something other than `false`/`0` (CI systems set `CI=true`). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env.CI && !['false', '0'].includes(env.CI.toLowerCase());
}

/**
 * The `describe` to use for a suite that needs `services`: jest's `describe` when all of them can
 * be started (see `missingServices`). When one cannot: on CI (`CI=true`) it throws, so the suite
 * fails ("Test suite failed to run") instead of silently skipping; elsewhere it prints one line to
 * stderr saying what is missing and returns `describe.skip`.
 *
 * @example
 * describeWithServices('redis', 'postgres')('several backend instances', () => { ... });
 */
export function describeWithServices(
  ...services: ServiceName[]
): jest.Describe {
  const missing = missingServices(services);
  if (missing.length === 0) {
    return describe;
  }
  const testPath = expect.getState().testPath;
  const suite = testPath ? relative(process.cwd(), testPath) : 'a test suite';
  if (isCi()) {
    throw new Error(
      `${suite} cannot run: ${missing.join(
        '; ',
      )}. CI=true: failing instead of skipping.`,
    );
  }
  process.stderr.write(
    `Skipping ${suite}: ${missing.join('; ')} (with CI=true this fails).\n`,
  );
  return describe.skip;
}
