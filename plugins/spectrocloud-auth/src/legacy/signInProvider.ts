import type { SignInProviderConfig } from '@backstage/core-components';
import { spectroCloudAuthApiRef } from '../api/ref';

/**
 * Provider entry for core-components `SignInPage`
 * (`providers={[spectroCloudSignInProvider]}` or
 * `provider={spectroCloudSignInProvider}`), usable in both frontend systems.
 *
 * @remarks
 *
 * Shape (core-components `SignInProviderConfig`): `{ id:
 * 'spectrocloud-auth-provider', title: 'SpectroCloud', message: 'Sign in using
 * SpectroCloud Palette', apiRef: spectroCloudAuthApiRef }`. The `id` names the
 * entry on the sign-in page (core-components stores the last used one under
 * it), not the backend provider, which is `spectrocloud`.
 *
 * @public
 */
export const spectroCloudSignInProvider = {
  id: 'spectrocloud-auth-provider',
  title: 'SpectroCloud',
  message: 'Sign in using SpectroCloud Palette',
  apiRef: spectroCloudAuthApiRef,
} as const satisfies SignInProviderConfig;
