import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import {
  catalogUserName,
  DEMO_WORKLOAD_NAME,
  demoUsers,
} from '@internal/mock-palette';
import { DemoUsersEntityProvider } from './DemoUsersEntityProvider';

/**
 * Catalog module that adds a `User` entity for every demo user with `inCatalog: true` in the
 * shared fixture of `@internal/mock-palette` (so `mallory@example.com` is not in the catalog), all
 * members of the `Group` `demo-users`, and the `Component` `demo-service` (owner `demo-users`,
 * annotation `backstage.io/kubernetes-id: demo-service`) whose Kubernetes tab shows the pod of
 * the mock Kubernetes API.
 */
export const catalogModuleDemoUsers = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'spectrocloud-demo-users',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ catalog, logger }) {
        const inCatalog = demoUsers.filter(user => user.inCatalog).length;
        logger.info(
          `Providing ${inCatalog} demo user(s) of ${demoUsers.length} to the catalog`,
        );
        catalog.addEntityProvider(
          new DemoUsersEntityProvider(demoUsers, catalogUserName, [
            DEMO_WORKLOAD_NAME,
          ]),
        );
      },
    });
  },
});
