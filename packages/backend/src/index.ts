/*
 * The example backend of the SpectroCloud sign-in demo: auth (with the spectrocloud provider),
 * catalog (with the demo users and the demo-service component), kubernetes, permissions
 * (allow-all) and the spectrocloud-demo plugin.
 */
import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { configureRedactedRequestLog } from '@terasky/backstage-plugin-spectrocloud-auth-backend';
import { catalogModuleDemoUsers } from './modules/demoUsersCatalog/catalogModuleDemoUsers';
import { spectroCloudDemoPlugin } from './plugins/spectrocloudDemo/plugin';

const backend = createBackend();

// Request log without query values: no authorization codes or emails in the log.
backend.add(
  rootHttpRouterServiceFactory({ configure: configureRedactedRequestLog }),
);

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@terasky/backstage-plugin-spectrocloud-auth-backend'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(catalogModuleDemoUsers);

// Kubernetes: the demo cluster (mock, :7012) takes the user's SpectroCloud ID token (app-config.yaml).
backend.add(import('@backstage/plugin-kubernetes-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

backend.add(spectroCloudDemoPlugin);

backend.start();
