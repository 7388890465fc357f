import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  GroupEntity,
  UserEntity,
} from '@backstage/catalog-model';

/** Name of the `Group` every demo user is a member of. */
export const DEMO_GROUP_NAME = 'demo-users';

/** The location key and annotation value the demo entities are managed by. */
export const DEMO_USERS_LOCATION = 'spectrocloud-demo:demo-users-fixture';

/**
 * The fields of a demo user (fixture `packages/mock-palette/fixtures/demo-users.json`) that the
 * catalog needs.
 */
export interface DemoUserLike {
  email: string;
  givenName: string;
  familyName: string;
  /** Only users with `inCatalog: true` get a `User` entity. */
  inCatalog: boolean;
}

const annotations = {
  [ANNOTATION_LOCATION]: `url:${DEMO_USERS_LOCATION}`,
  [ANNOTATION_ORIGIN_LOCATION]: `url:${DEMO_USERS_LOCATION}`,
};

/**
 * Builds the demo catalog: one `User` per demo user with `inCatalog: true` (named by
 * `userName(user)`, with `spec.profile.email` and `displayName`, member of `group:default/demo-users`)
 * and the `Group` `demo-users` itself. Users with `inCatalog: false` are left out on purpose, so
 * that signing in as them fails at the sign-in resolver.
 */
export function buildDemoUserEntities<TUser extends DemoUserLike>(
  users: readonly TUser[],
  userName: (user: TUser) => string,
): Entity[] {
  const members = users.filter(user => user.inCatalog);
  const group: GroupEntity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: DEMO_GROUP_NAME,
      description: 'Users of the SpectroCloud sign-in demo tenant',
      annotations,
    },
    spec: {
      type: 'team',
      profile: { displayName: 'Demo users' },
      children: [],
    },
  };
  const userEntities = members.map(
    (user): UserEntity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: userName(user), annotations },
      spec: {
        profile: {
          email: user.email,
          displayName: `${user.givenName} ${user.familyName}`,
        },
        memberOf: [DEMO_GROUP_NAME],
      },
    }),
  );
  return [group, ...userEntities];
}
