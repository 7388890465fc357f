import { createApiRef } from '@backstage/frontend-plugin-api';
import type { SpectroCloudAuthApi } from './types';

/**
 * API reference (id `auth.spectrocloud`) for {@link SpectroCloudAuthApi}.
 *
 * @remarks
 *
 * One object serves both Backstage frontend systems: since
 * `@backstage/core-plugin-api` 1.13, core-plugin-api's `ApiRef` type and
 * `createApiRef` are re-exports of / delegate to `@backstage/frontend-plugin-api`,
 * so this ref (created with `createApiRef<T>().with(...)` from
 * frontend-plugin-api) works with legacy `createApiFactory` / `useApi` /
 * core-components `SignInPage`, and with the new system's `ApiBlueprint`.
 *
 * The ref is owned by the plugin id `spectrocloud-auth` (`pluginId`). In the new
 * frontend system that means the plugin's own factory wins over another
 * plugin's factory for the same id; to replace the implementation, install a
 * `createFrontendModule({ pluginId: 'spectrocloud-auth', ... })` with an
 * `ApiBlueprint` named `spectrocloud`.
 *
 * Shape: `{ id: 'auth.spectrocloud', T: SpectroCloudAuthApi }`.
 *
 * @public
 */
export const spectroCloudAuthApiRef = createApiRef<SpectroCloudAuthApi>().with({
  id: 'auth.spectrocloud',
  pluginId: 'spectrocloud-auth',
});
