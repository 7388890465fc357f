import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import spectroCloudAuthPlugin, {
  spectroCloudSignInPageModule,
} from '@terasky/backstage-plugin-spectrocloud-auth/alpha';
import { spectroCloudDemoPlugin } from './plugins/spectrocloudDemo/plugin';

/**
 * The example portal (new frontend system): the catalog, the SpectroCloud auth API and sign-in
 * page (SpectroCloud only, no guest), and the demo page `/spectrocloud`, where `/` redirects
 * (see `app.extensions` in app-config.yaml).
 */
const app = createApp({
  features: [
    catalogPlugin,
    spectroCloudAuthPlugin,
    spectroCloudSignInPageModule,
    spectroCloudDemoPlugin,
  ],
});

export default app.createRoot();
