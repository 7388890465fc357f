/**
 * The objects the mock Kubernetes API serves: one Deployment `demo-service`
 * in namespace `default`, its ReplicaSet and one Running pod
 * (`demo-service-6d4cf56db6-abcde`), all labelled
 * `backstage.io/kubernetes-id: demo-service`. The Kubernetes plugin's entity
 * tab lists pods under the Deployment that owns them through a ReplicaSet, so
 * the two owners are what make the pod name visible there.
 */

/** A Kubernetes object as the list endpoints return it (JSON). */
export type KubernetesObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

/** One list endpoint: `group` `''` is the core API (`/api/v1/...`). */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  /** `kind` of the list answer, e.g. `PodList`. */
  listKind: string;
}

/**
 * The list endpoints the mock answers: every object type the Kubernetes
 * backend (`@backstage/plugin-kubernetes-backend` 0.21, `DEFAULT_OBJECTS` and
 * `ALL_OBJECTS` of its fan-out handler) fetches. Anything else is a 404.
 */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  ['', 'v1', 'pods', 'PodList'],
  ['', 'v1', 'services', 'ServiceList'],
  ['', 'v1', 'configmaps', 'ConfigMapList'],
  ['', 'v1', 'limitranges', 'LimitRangeList'],
  ['', 'v1', 'resourcequotas', 'ResourceQuotaList'],
  ['', 'v1', 'secrets', 'SecretList'],
  ['', 'v1', 'persistentvolumes', 'PersistentVolumeList'],
  ['', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaimList'],
  ['apps', 'v1', 'deployments', 'DeploymentList'],
  ['apps', 'v1', 'replicasets', 'ReplicaSetList'],
  ['apps', 'v1', 'statefulsets', 'StatefulSetList'],
  ['apps', 'v1', 'daemonsets', 'DaemonSetList'],
  [
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscalerList',
  ],
  ['batch', 'v1', 'jobs', 'JobList'],
  ['batch', 'v1', 'cronjobs', 'CronJobList'],
  ['networking.k8s.io', 'v1', 'ingresses', 'IngressList'],
].map(([group, version, plural, listKind]) => ({
  group,
  version,
  plural,
  listKind,
}));

/** Name of the demo workload and value of its `backstage.io/kubernetes-id` label. */
export const DEMO_WORKLOAD_NAME = 'demo-service';
/** Name of the one pod the mock serves. */
export const DEMO_POD_NAME = 'demo-service-6d4cf56db6-abcde';
/** Namespace of the demo objects. */
export const DEMO_NAMESPACE = 'default';

const REPLICA_SET_NAME = 'demo-service-6d4cf56db6';
const DEPLOYMENT_UID = '5b0b2c0e-0d3c-4a8e-9c55-000000000001';
const REPLICA_SET_UID = '5b0b2c0e-0d3c-4a8e-9c55-000000000002';
const POD_UID = '5b0b2c0e-0d3c-4a8e-9c55-000000000003';
const IMAGE = 'registry.example.com/demo-service:1.4.2';

/**
 * The demo objects, keyed by `${group}/${plural}` (`/pods` for the core
 * group). `startedAt` (ISO 8601) becomes every creation and start time.
 */
export function demoObjects(
  startedAt: string,
): Map<string, KubernetesObject[]> {
  const labels = {
    app: DEMO_WORKLOAD_NAME,
    'backstage.io/kubernetes-id': DEMO_WORKLOAD_NAME,
  };
  const podLabels = { ...labels, 'pod-template-hash': '6d4cf56db6' };
  const container = {
    name: DEMO_WORKLOAD_NAME,
    image: IMAGE,
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    resources: {
      requests: { cpu: '100m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '128Mi' },
    },
  };
  const ownerReference = (kind: string, name: string, uid: string) => ({
    apiVersion: 'apps/v1',
    kind,
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  });

  const deployment: KubernetesObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: DEMO_WORKLOAD_NAME,
      namespace: DEMO_NAMESPACE,
      uid: DEPLOYMENT_UID,
      labels,
      creationTimestamp: startedAt,
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: DEMO_WORKLOAD_NAME } },
      template: {
        metadata: { labels },
        spec: { containers: [container] },
      },
    },
    status: {
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      updatedReplicas: 1,
    },
  };
  const replicaSet: KubernetesObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: REPLICA_SET_NAME,
      namespace: DEMO_NAMESPACE,
      uid: REPLICA_SET_UID,
      labels: podLabels,
      creationTimestamp: startedAt,
      ownerReferences: [
        ownerReference('Deployment', DEMO_WORKLOAD_NAME, DEPLOYMENT_UID),
      ],
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: podLabels },
    },
    status: {
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      fullyLabeledReplicas: 1,
    },
  };
  const pod: KubernetesObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: DEMO_POD_NAME,
      namespace: DEMO_NAMESPACE,
      uid: POD_UID,
      labels: podLabels,
      creationTimestamp: startedAt,
      ownerReferences: [
        ownerReference('ReplicaSet', REPLICA_SET_NAME, REPLICA_SET_UID),
      ],
    },
    spec: { containers: [container], nodeName: 'mock-node-1' },
    status: {
      phase: 'Running',
      podIP: '10.244.0.17',
      hostIP: '192.168.49.2',
      startTime: startedAt,
      conditions: [
        'Initialized',
        'Ready',
        'ContainersReady',
        'PodScheduled',
      ].map(type => ({ type, status: 'True', lastTransitionTime: startedAt })),
      containerStatuses: [
        {
          name: DEMO_WORKLOAD_NAME,
          image: IMAGE,
          imageID: `${IMAGE}@sha256:${'0'.repeat(64)}`,
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt } },
        },
      ],
    },
  };

  return new Map([
    ['apps/deployments', [deployment]],
    ['apps/replicasets', [replicaSet]],
    ['/pods', [pod]],
  ]);
}
