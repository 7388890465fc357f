import { createRouteRef } from '@backstage/frontend-plugin-api';

/** Route of the SpectroCloud demo page (mounted at `/spectrocloud`). */
export const spectroCloudDemoRouteRef = createRouteRef();
