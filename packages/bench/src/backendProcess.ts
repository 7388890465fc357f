/*
 * One backend of the three-way benchmark, as its own process (forked by run.ts): Backstage's
 * backend-defaults with the auth plugin, ONE provider module (`ours`, `official` or `floor`), an
 * in-memory catalog holding the user alice, and in-memory SQLite. The three variants get the same
 * config shape, the same sign-in resolver (emailMatchingUserEntityProfileEmail) and the same log
 * level (LOG_LEVEL, set by run.ts).
 *
 * Arguments: <variant> <port> <mock Palette issuer>. IPC: sends `{ ready: true }` once listening;
 * answers `{ cmd: 'usage' }` with `{ usage: { cpuMs, heapUsed, rss } }`; exits on `{ cmd: 'stop' }`
 * (a normal exit, so that `--cpu-prof` writes its profile).
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { authModuleFloorProvider } from './floorModule';
import { benchConfig, isVariant, providerIdOf } from './variants';

const [variant, portArg, issuer] = process.argv.slice(2);
if (!isVariant(variant) || !Number(portArg) || !issuer) {
  throw new Error(
    'usage: backendProcess <ours|official|floor> <port> <issuer>',
  );
}
const port = Number(portArg);

const backend = createBackend();
backend.add(
  createServiceFactory({
    service: coreServices.rootConfig,
    deps: {},
    factory: () => new ConfigReader(benchConfig(variant, port, issuer)),
  }),
);
backend.add(
  catalogServiceMock.factory({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: 'alice', namespace: 'default' },
        spec: { profile: { email: 'alice@example.com' }, memberOf: [] },
      },
    ],
  }),
);
backend.add(import('@backstage/plugin-auth-backend'));
if (variant === 'ours') {
  backend.add(import('@terasky/backstage-plugin-spectrocloud-auth-backend'));
} else if (variant === 'official') {
  backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));
} else {
  backend.add(authModuleFloorProvider);
}

backend.start().then(
  async () => {
    // Ready when the provider answers (the official module discovers the OP lazily).
    const base = `http://127.0.0.1:${port}/api/auth/${providerIdOf(variant)}`;
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${base}/start?env=development`, {
        redirect: 'manual',
      }).catch(() => undefined);
      if (res?.status === 302) break;
      await new Promise(r => setTimeout(r, 100));
    }
    process.send?.({ ready: true });
  },
  error => {
    process.stderr.write(`backend ${variant} failed to start: ${error}\n`);
    process.exit(1);
  },
);

process.on('message', (message: any) => {
  if (message?.cmd === 'usage') {
    const { user, system } = process.cpuUsage(); // microseconds
    const { heapUsed, rss } = process.memoryUsage();
    process.send?.({
      usage: { cpuMs: (user + system) / 1000, heapUsed, rss },
    });
  } else if (message?.cmd === 'stop') {
    backend.stop().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
