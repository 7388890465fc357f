import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ComponentEntity,
} from '@backstage/catalog-model';
import { DEMO_GROUP_NAME, DEMO_USERS_LOCATION } from './demoUserEntities';

/** The annotation the Kubernetes plugin finds an entity's workloads by. */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

/**
 * Builds the demo `Component` whose Kubernetes tab shows the mock cluster's pod: named
 * `workloadName` (the mock Kubernetes API's `DEMO_WORKLOAD_NAME`, `demo-service`), type
 * `service`, owned by `group:default/demo-users`, with the annotation
 * `backstage.io/kubernetes-id: <workloadName>` that the Kubernetes backend turns into the label
 * selector `backstage.io/kubernetes-id=<workloadName>`.
 */
export function buildDemoComponentEntities(
  workloadName: string,
): ComponentEntity[] {
  return [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: workloadName,
        description:
          'Demo workload on the mock Kubernetes cluster, reached with the SpectroCloud ID token',
        annotations: {
          [ANNOTATION_LOCATION]: `url:${DEMO_USERS_LOCATION}`,
          [ANNOTATION_ORIGIN_LOCATION]: `url:${DEMO_USERS_LOCATION}`,
          [KUBERNETES_ID_ANNOTATION]: workloadName,
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'experimental',
        owner: `group:default/${DEMO_GROUP_NAME}`,
      },
    },
  ];
}
