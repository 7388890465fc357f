import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createMockKubernetesApp, type MockKubernetesContext } from './app';
import { createIdTokenVerifier } from './idTokenVerifier';
import { demoObjects } from './resources';
import type {
  MockKubernetes,
  MockKubernetesCalls,
  MockKubernetesOptions,
} from './types';

const DEFAULT_AUDIENCE = 'backstage-demo';

function zeroCalls(): MockKubernetesCalls {
  return { authenticated: 0, rejected: 0 };
}

/**
 * Starts a minimal mock Kubernetes API server that trusts the ID tokens of a
 * (mock) Palette tenant, the way a cluster whose API server is configured
 * with `--oidc-issuer-url` / `--oidc-client-id` does.
 *
 * It accepts only `Authorization: Bearer <ID token>` where the token is an
 * RS256 JWT signed by a key of the issuer's JWKS, with `iss` = the issuer,
 * `aud` = the client id, and `sub`, `iat` and an unexpired `exp`; anything
 * else gets 401. It serves the list endpoints the Kubernetes backend plugin
 * fetches (`RESOURCE_TYPES`): a Deployment `demo-service`, its ReplicaSet
 * and one Running pod `demo-service-6d4cf56db6-abcde` in namespace
 * `default`, labelled `backstage.io/kubernetes-id: demo-service`; empty lists
 * for the other types; 404 for anything else. `GET /healthz` answers `ok`
 * without a token. Listens on all interfaces.
 *
 * Defaults: port 7012 (`0` = random free port), audience `backstage-demo`,
 * JWKS `${issuer}/.well-known/jwks.json`, JWKS fetch timeout 5000 ms, host
 * `localhost`.
 *
 * @throws Error when neither `issuer` nor `palette` is given, or for an
 * invalid port or URL; rejects when the port is taken.
 */
export async function startMockKubernetes(
  options: MockKubernetesOptions,
): Promise<MockKubernetes> {
  const port = options.port ?? 7012;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error('startMockKubernetes: port must be an integer 0-65535');
  }
  const issuer = options.issuer ?? options.palette?.issuer;
  if (!issuer) {
    throw new Error('startMockKubernetes: give `issuer` or `palette`');
  }
  const jwksUri =
    options.jwksUri ??
    options.palette?.jwksUri ??
    `${issuer}/.well-known/jwks.json`;
  const audience =
    options.audience ?? options.palette?.clientId ?? DEFAULT_AUDIENCE;
  const jwksTimeoutMs = options.jwksTimeoutMs ?? 5000;
  if (!(jwksTimeoutMs > 0)) {
    throw new Error('startMockKubernetes: jwksTimeoutMs must be positive');
  }

  const ctx: MockKubernetesContext = {
    verifier: createIdTokenVerifier({
      issuer,
      audience,
      jwksUri,
      jwksTimeoutMs,
    }),
    calls: zeroCalls(),
    rejections: [],
    objects: demoObjects(new Date().toISOString().replace(/\.\d+Z$/, 'Z')),
  };

  const server = createMockKubernetesApp(ctx).listen(port);
  await once(server, 'listening');
  const actualPort = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${options.publicHost ?? 'localhost'}:${actualPort}`,
    issuer,
    audience,
    jwksUri,
    calls: ctx.calls,
    rejections: ctx.rejections,
    resetCalls() {
      Object.assign(ctx.calls, zeroCalls());
      ctx.rejections.length = 0;
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close(err => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
