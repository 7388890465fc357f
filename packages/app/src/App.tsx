import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import kubernetesPlugin from '@backstage/plugin-kubernetes/alpha';
import spectroCloudAuthPlugin, {
  spectroCloudSignInPageModule,
} from '@terasky/backstage-plugin-spectrocloud-auth/alpha';
import { spectroCloudKubernetesAuthModule } from '@terasky/backstage-plugin-spectrocloud-auth/kubernetes';
import { spectroCloudDemoPlugin } from './plugins/spectrocloudDemo/plugin';

/**
 * The example portal (new frontend system): the catalog, the SpectroCloud auth API and sign-in
 * page (SpectroCloud only, no guest), the demo page `/spectrocloud`, where `/` redirects
 * (see `app.extensions` in app-config.yaml), and the Kubernetes plugin with the SpectroCloud
 * OIDC token provider (entity tab "Kubernetes", e.g. /catalog/default/component/demo-service).
 */
const app = createApp({
  features: [
    catalogPlugin,
    spectroCloudAuthPlugin,
    spectroCloudSignInPageModule,
    spectroCloudDemoPlugin,
    // Kubernetes tab on catalog entities; clusters with `oidcTokenProvider: spectrocloud` get the
    // user's SpectroCloud ID token.
    kubernetesPlugin,
    spectroCloudKubernetesAuthModule,
  ],
});

export default app.createRoot();
