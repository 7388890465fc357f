import {
  catalogUserName,
  DEMO_WORKLOAD_NAME,
  demoUsers,
} from '@internal/mock-palette';
import { buildDemoComponentEntities } from './demoComponentEntities';
import { DemoUsersEntityProvider } from './DemoUsersEntityProvider';

describe('the demo-service component', () => {
  it('is annotated with the workload id the mock Kubernetes API labels its pod with', () => {
    expect(DEMO_WORKLOAD_NAME).toBe('demo-service');
    expect(buildDemoComponentEntities(DEMO_WORKLOAD_NAME)).toEqual([
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'demo-service',
          description: expect.any(String),
          annotations: {
            'backstage.io/managed-by-location':
              'url:spectrocloud-demo:demo-users-fixture',
            'backstage.io/managed-by-origin-location':
              'url:spectrocloud-demo:demo-users-fixture',
            'backstage.io/kubernetes-id': 'demo-service',
          },
        },
        spec: {
          type: 'service',
          lifecycle: 'experimental',
          owner: 'group:default/demo-users',
        },
      },
    ]);
  });

  it('is provided to the catalog together with the demo users', async () => {
    const applyMutation = jest.fn(async () => {});
    await new DemoUsersEntityProvider(demoUsers, catalogUserName, [
      DEMO_WORKLOAD_NAME,
    ]).connect({ applyMutation, refresh: jest.fn() });

    expect(applyMutation).toHaveBeenCalledTimes(1);
    const [[mutation]] = applyMutation.mock.calls as unknown as [
      [
        {
          type: string;
          entities: { entity: { kind: string; metadata: { name: string } } }[];
        },
      ],
    ];
    expect(mutation.type).toBe('full');
    expect(
      mutation.entities.map(e => `${e.entity.kind}:${e.entity.metadata.name}`),
    ).toEqual([
      'Group:demo-users',
      'User:alice',
      'User:bob',
      'Component:demo-service',
    ]);
  });
});
