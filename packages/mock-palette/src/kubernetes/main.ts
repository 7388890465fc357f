/*
 * Runs the mock Kubernetes API standalone (used by `yarn dev` and Playwright),
 * next to the mock Palette whose ID tokens it accepts.
 * Environment: MOCK_KUBERNETES_PORT (default 7012),
 * MOCK_KUBERNETES_ISSUER (default http://localhost:<MOCK_PALETTE_PORT or 7011>/v1/oidc/tenant/demo-tenant),
 * MOCK_KUBERNETES_JWKS_URI (default <issuer>/.well-known/jwks.json),
 * MOCK_KUBERNETES_AUDIENCE (default backstage-demo).
 * Logs only URLs and rejection reasons, never tokens.
 */
import { startMockKubernetes } from './startMockKubernetes';
import { runStandalone } from '../runStandalone';

function fromEnv(name: string): string | undefined {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

async function main() {
  const portText = fromEnv('MOCK_KUBERNETES_PORT');
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && !Number.isInteger(port)) {
    throw new Error(
      `MOCK_KUBERNETES_PORT must be an integer, got '${portText}'`,
    );
  }
  const palettePort = fromEnv('MOCK_PALETTE_PORT') ?? '7011';
  const kubernetes = await startMockKubernetes({
    port,
    issuer:
      fromEnv('MOCK_KUBERNETES_ISSUER') ??
      `http://localhost:${palettePort}/v1/oidc/tenant/demo-tenant`,
    jwksUri: fromEnv('MOCK_KUBERNETES_JWKS_URI'),
    audience: fromEnv('MOCK_KUBERNETES_AUDIENCE'),
  });
  process.stdout.write(
    `Mock Kubernetes API listening on ${kubernetes.url}\n` +
      `  accepts ID tokens of issuer ${kubernetes.issuer} for audience ${kubernetes.audience}\n` +
      `  (keys from ${kubernetes.jwksUri})\n`,
  );

  // Say why requests were rejected (never the token), at most once a second.
  let reported = 0;
  const reporter = setInterval(() => {
    const fresh = kubernetes.calls.rejected - reported;
    if (fresh > 0) {
      const reasons = kubernetes.rejections.slice(-Math.min(fresh, 100));
      process.stdout.write(
        `Mock Kubernetes API: rejected ${fresh} request(s): ${[
          ...new Set(reasons),
        ].join(', ')}\n`,
      );
      reported = kubernetes.calls.rejected;
    }
  }, 1000);
  reporter.unref();

  return kubernetes;
}

runStandalone('Mock Kubernetes API', main);
