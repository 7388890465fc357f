import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { useMemo } from 'react';
import { SpectroCloudDemoClient } from '../SpectroCloudDemoClient';

/** A {@link SpectroCloudDemoClient} bound to the app's discovery and fetch APIs. */
export function useDemoClient(): SpectroCloudDemoClient {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useMemo(
    () => new SpectroCloudDemoClient({ discoveryApi, fetchApi }),
    [discoveryApi, fetchApi],
  );
}
