import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import CloudIcon from '@material-ui/icons/Cloud';
import { spectroCloudDemoRouteRef } from './routes';

const spectroCloudDemoPage = PageBlueprint.make({
  params: {
    path: '/spectrocloud',
    title: 'SpectroCloud',
    icon: <CloudIcon fontSize="inherit" />,
    routeRef: spectroCloudDemoRouteRef,
    loader: () =>
      import('./components/SpectroCloudPage').then(m => <m.SpectroCloudPage />),
  },
});

/**
 * The example app's `spectrocloud-demo` plugin: the page `/spectrocloud` (sidebar item
 * "SpectroCloud") that shows what the SpectroCloud sign-in gives the portal.
 */
export const spectroCloudDemoPlugin = createFrontendPlugin({
  pluginId: 'spectrocloud-demo',
  title: 'SpectroCloud',
  icon: <CloudIcon fontSize="inherit" />,
  routes: { root: spectroCloudDemoRouteRef },
  extensions: [spectroCloudDemoPage],
});
