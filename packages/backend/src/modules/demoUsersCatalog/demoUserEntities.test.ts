import { catalogUserName, demoUsers } from '@internal/mock-palette';
import { buildDemoUserEntities } from './demoUserEntities';

describe('buildDemoUserEntities', () => {
  it('puts the in-catalog demo users and their group in the catalog, not mallory', () => {
    const entities = buildDemoUserEntities(demoUsers, catalogUserName);

    expect(entities.map(e => `${e.kind}:${e.metadata.name}`)).toEqual([
      'Group:demo-users',
      'User:alice',
      'User:bob',
    ]);
    expect(entities[1].spec).toEqual({
      profile: { email: 'alice@example.com', displayName: 'Alice Anderson' },
      memberOf: ['demo-users'],
    });
    expect(JSON.stringify(entities)).not.toContain('mallory');
    for (const entity of entities) {
      expect(
        entity.metadata.annotations?.['backstage.io/managed-by-location'],
      ).toBe('url:spectrocloud-demo:demo-users-fixture');
    }
  });
});
