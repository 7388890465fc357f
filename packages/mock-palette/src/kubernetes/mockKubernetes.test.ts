import { startMockPalette } from '../startMockPalette';
import type { MockPalette } from '../types';
import { startMockKubernetes } from './startMockKubernetes';
import type { MockKubernetes } from './types';

const REDIRECT_URI =
  'http://localhost:7007/api/auth/spectrocloud/handler/frame';
const SELECTOR = 'backstage.io/kubernetes-id=demo-service';
const POD = 'demo-service-6d4cf56db6-abcde';

/**
 * The list endpoints @backstage/plugin-kubernetes-backend 0.21 fetches per
 * cluster and entity (DEFAULT_OBJECTS of its fan-out handler), with the
 * `kind` a real API server answers.
 */
const BACKEND_REQUESTS: Array<[path: string, kind: string]> = [
  ['/api/v1/pods', 'PodList'],
  ['/api/v1/services', 'ServiceList'],
  ['/api/v1/configmaps', 'ConfigMapList'],
  ['/api/v1/limitranges', 'LimitRangeList'],
  ['/api/v1/resourcequotas', 'ResourceQuotaList'],
  ['/apis/apps/v1/deployments', 'DeploymentList'],
  ['/apis/apps/v1/replicasets', 'ReplicaSetList'],
  [
    '/apis/autoscaling/v2/horizontalpodautoscalers',
    'HorizontalPodAutoscalerList',
  ],
  ['/apis/batch/v1/jobs', 'JobList'],
  ['/apis/batch/v1/cronjobs', 'CronJobList'],
  ['/apis/networking.k8s.io/v1/ingresses', 'IngressList'],
  ['/apis/apps/v1/statefulsets', 'StatefulSetList'],
  ['/apis/apps/v1/daemonsets', 'DaemonSetList'],
];

describe('mock Kubernetes API', () => {
  let palette: MockPalette;
  let kubernetes: MockKubernetes;

  beforeAll(async () => {
    palette = await startMockPalette({ port: 0 });
    kubernetes = await startMockKubernetes({ port: 0, palette });
  });
  afterAll(async () => {
    await kubernetes.close();
    await palette.close();
  });
  beforeEach(() => kubernetes.resetCalls());

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}) => ({
    iss: palette.issuer,
    sub: '65a1a11ce0000000000000a1',
    aud: palette.clientId,
    email: 'alice@example.com',
    iat: now(),
    exp: now() + 600,
    ...overrides,
  });

  const get = (path: string, authorization?: string) =>
    fetch(`${kubernetes.url}${path}`, {
      headers: authorization ? { authorization } : {},
    });

  /** An ID token the mock Palette really issues through the code flow. */
  async function idTokenFromCodeFlow(): Promise<string> {
    const code = await palette.authorize({
      email: 'alice@example.com',
      redirectUri: REDIRECT_URI,
      state: 'state-1',
      nonce: 'nonce-1',
    });
    const res = await fetch(palette.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: palette.clientId,
        client_secret: palette.clientSecret,
      }),
    });
    expect(res.status).toBe(200);
    return (await res.json()).id_token;
  }

  it('lists the demo pod for the ID token of a signed-in user', async () => {
    const idToken = await idTokenFromCodeFlow();

    const res = await get(
      `/api/v1/pods?labelSelector=${encodeURIComponent(SELECTOR)}`,
      `Bearer ${idToken}`,
    );

    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.kind).toBe('PodList');
    expect(body.apiVersion).toBe('v1');
    expect(body.items).toHaveLength(1);
    expect(body.items[0].metadata).toEqual(
      expect.objectContaining({
        name: POD,
        namespace: 'default',
        labels: expect.objectContaining({
          'backstage.io/kubernetes-id': 'demo-service',
        }),
      }),
    );
    expect(body.items[0].status.phase).toBe('Running');
    expect(kubernetes.calls).toEqual({ authenticated: 1, rejected: 0 });
  });

  it('answers every list request of the Kubernetes backend: the workload, else empty lists', async () => {
    const authorization = `Bearer ${await palette.signIdToken(claims())}`;
    const counts: Record<string, number> = {};

    for (const [path, kind] of BACKEND_REQUESTS) {
      const res = await get(
        `${path}?labelSelector=${encodeURIComponent(SELECTOR)}`,
        authorization,
      );
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.kind).toBe(kind);
      counts[path] = body.items.length;
    }

    expect(Object.entries(counts).filter(([, n]) => n > 0)).toEqual([
      ['/api/v1/pods', 1],
      ['/apis/apps/v1/deployments', 1],
      ['/apis/apps/v1/replicasets', 1],
    ]);
    expect(kubernetes.calls.authenticated).toBe(BACKEND_REQUESTS.length);
  });

  it('links the pod to the deployment through the replica set (how the entity tab finds it)', async () => {
    const authorization = `Bearer ${await palette.signIdToken(claims())}`;
    const items = async (path: string) =>
      (await (await get(path, authorization)).json()).items;

    const [deployment] = await items('/apis/apps/v1/deployments');
    const [replicaSet] = await items('/apis/apps/v1/replicasets');
    const [pod] = await items('/api/v1/pods');

    expect(replicaSet.metadata.ownerReferences[0].uid).toBe(
      deployment.metadata.uid,
    );
    expect(replicaSet.status.replicas).toBe(1);
    expect(pod.metadata.ownerReferences[0].uid).toBe(replicaSet.metadata.uid);
  });

  it('filters by label selector and namespace', async () => {
    const authorization = `Bearer ${await palette.signIdToken(claims())}`;
    const names = async (path: string) =>
      (await (await get(path, authorization)).json()).items.map(
        (item: { metadata: { name: string } }) => item.metadata.name,
      );

    expect(
      await names(
        '/api/v1/pods?labelSelector=backstage.io/kubernetes-id%3Dother',
      ),
    ).toEqual([]);
    expect(
      await names('/api/v1/pods?labelSelector=app%3Ddemo-service,tier!%3Ddb'),
    ).toEqual([POD]);
    expect(await names('/api/v1/namespaces/default/pods')).toEqual([POD]);
    expect(await names('/api/v1/namespaces/other/pods')).toEqual([]);

    const res = await get(
      '/api/v1/pods?labelSelector=app%20in%20(a,b)',
      authorization,
    );
    expect(res.status).toBe(400);
    expect((await res.json()).reason).toBe('BadRequest');
  });

  it.each([
    [
      'an expired ID token',
      () => palette.signIdToken(claims({ exp: now() - 5 })),
      'ERR_JWT_EXPIRED',
    ],
    [
      'an ID token signed with a key not in the JWKS',
      () => palette.signIdToken(claims(), { useForeignKey: true }),
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    ],
    [
      'an ID token for another client',
      () => palette.signIdToken(claims({ aud: 'someone-else' })),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    ],
    [
      'an ID token from another issuer',
      () =>
        palette.signIdToken(
          claims({ iss: 'http://localhost:7011/v1/oidc/tenant/other' }),
        ),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    ],
    [
      'an ID token without exp',
      () => palette.signIdToken(claims({ exp: undefined })),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    ],
    [
      'an HS256 token keyed with the public key (algorithm confusion)',
      () => palette.signIdToken(claims(), { alg: 'HS256' }),
      'ERR_JOSE_ALG_NOT_ALLOWED',
    ],
    [
      'the Palette session token (HS256)',
      () => palette.issueSessionToken('alice@example.com'),
      'ERR_JOSE_ALG_NOT_ALLOWED',
    ],
    ['garbage', async () => 'not-a-jwt', 'ERR_JWS_INVALID'],
  ])(
    'rejects %s with 401 and never echoes it',
    async (_, makeToken, reason) => {
      const token = await makeToken();

      const res = await get(
        `/api/v1/pods?labelSelector=${encodeURIComponent(SELECTOR)}`,
        `Bearer ${token}`,
      );

      expect(res.status).toBe(401);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
      expect(text).not.toContain(token);
      expect(kubernetes.calls).toEqual({ authenticated: 0, rejected: 1 });
      expect(kubernetes.rejections).toEqual([reason]);
    },
  );

  it.each([
    ['no Authorization header', undefined],
    ['a bare token without "Bearer"', 'TOKEN'],
    ['Basic credentials', 'Basic YWxpY2U6c2VjcmV0'],
  ])('rejects %s with 401', async (_, header) => {
    const authorization =
      header === 'TOKEN' ? await palette.signIdToken(claims()) : header;

    const res = await get('/api/v1/pods', authorization);

    expect(res.status).toBe(401);
    expect(kubernetes.rejections).toEqual(['missing-bearer-token']);
  });

  it('checks the token before the path, and answers 404 for paths it does not serve', async () => {
    const authorization = `Bearer ${await palette.signIdToken(claims())}`;

    for (const path of [
      '/api/v1/nodes',
      '/apis/metrics.k8s.io/v1beta1/pods',
      '/apis/apps/v2/deployments',
      '/version',
      '/api/v1/namespaces/default',
    ]) {
      expect((await get(path)).status).toBe(401);
      const res = await get(path, authorization);
      expect(res.status).toBe(404);
      expect((await res.json()).reason).toBe('NotFound');
    }
    const post = await fetch(`${kubernetes.url}/api/v1/pods`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(post.status).toBe(404);
  });

  it('answers /healthz without a token', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(kubernetes.calls).toEqual({ authenticated: 0, rejected: 0 });
  });

  it('rejects every token, quickly, when the JWKS cannot be fetched', async () => {
    const closedPalette = await startMockPalette({ port: 0 });
    const token = await closedPalette.signIdToken({
      ...claims(),
      iss: closedPalette.issuer,
    });
    await closedPalette.close();
    const orphan = await startMockKubernetes({
      port: 0,
      palette: closedPalette,
      jwksTimeoutMs: 1000,
    });
    try {
      const started = Date.now();
      const res = await fetch(`${orphan.url}/api/v1/pods`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(401);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(orphan.rejections).toEqual(['ERR_JWKS_UNAVAILABLE']);
    } finally {
      await orphan.close();
    }
  });

  it('needs an issuer', async () => {
    await expect(startMockKubernetes({ port: 0 })).rejects.toThrow(
      'give `issuer` or `palette`',
    );
  });
});
