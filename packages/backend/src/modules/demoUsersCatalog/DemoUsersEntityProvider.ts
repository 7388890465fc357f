import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { buildDemoComponentEntities } from './demoComponentEntities';
import {
  buildDemoUserEntities,
  DEMO_USERS_LOCATION,
  DemoUserLike,
} from './demoUserEntities';

/**
 * Puts the demo users (and their group) into the catalog once, with a full mutation, when the
 * catalog connects, plus the demo `Component`s built for `componentNames` (default none; see
 * `buildDemoComponentEntities`). The fixture is static, so there is nothing to refresh afterwards.
 */
export class DemoUsersEntityProvider<TUser extends DemoUserLike>
  implements EntityProvider
{
  constructor(
    private readonly users: readonly TUser[],
    private readonly userName: (user: TUser) => string,
    private readonly componentNames: readonly string[] = [],
  ) {}

  getProviderName(): string {
    return 'spectrocloud-demo-users';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    const entities = [
      ...buildDemoUserEntities(this.users, this.userName),
      ...this.componentNames.flatMap(buildDemoComponentEntities),
    ];
    await connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: DEMO_USERS_LOCATION,
      })),
    });
  }
}
