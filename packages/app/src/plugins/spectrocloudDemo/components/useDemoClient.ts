import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { spectroCloudAuthApiRef } from '@terasky/backstage-plugin-spectrocloud-auth';
import { useMemo } from 'react';
import { SpectroCloudDemoClient } from '../SpectroCloudDemoClient';

/**
 * A {@link SpectroCloudDemoClient} bound to the app's discovery API and to its fetch API wrapped
 * by `withSessionRecovery`: a lost Palette session is renewed silently, else the user is asked to
 * sign in once, before the call fails.
 */
export function useDemoClient(): SpectroCloudDemoClient {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const authApi = useApi(spectroCloudAuthApiRef);
  return useMemo(
    () =>
      new SpectroCloudDemoClient({
        discoveryApi,
        fetchApi: authApi.withSessionRecovery(fetchApi),
      }),
    [discoveryApi, fetchApi, authApi],
  );
}
