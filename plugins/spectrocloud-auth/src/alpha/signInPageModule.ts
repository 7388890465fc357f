import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import type { SignInProviderConfig } from '@backstage/core-components';

/**
 * Options of {@link createSpectroCloudSignInPageModule}.
 *
 * @alpha
 */
export type SpectroCloudSignInPageModuleOptions = {
  /** Title of the provider card. Default `'SpectroCloud'`. */
  title?: string;
  /** Text of the provider card. Default `'Sign in using SpectroCloud Palette'`. */
  message?: string;
  /**
   * Open the sign-in popup as soon as the page loads when there is no session
   * (core-components `SignInPage` `auto`). Default `false`: the user clicks
   * "Sign in".
   */
  auto?: boolean;
  /**
   * Other sign-in options shown next to SpectroCloud (after it), in the form
   * of core-components `SignInPage` `providers`: `'guest'` for guest sign-in,
   * or `{ id, title, message, apiRef }` of another provider (whose API must be
   * installed in the app too). Default none: SpectroCloud is the only option
   * (single-provider mode). With `auto`, only SpectroCloud is tried silently.
   */
  additionalProviders?: Array<'guest' | SignInProviderConfig>;
};

/**
 * New frontend system: creates a module for the `app` plugin whose
 * `SignInPageBlueprint` extension (id `sign-in-page:app`) renders
 * core-components `SignInPage` with the SpectroCloud provider; by default the
 * only one (no guest sign-in), see `additionalProviders` to keep guest or
 * another provider next to it.
 *
 * @remarks
 *
 * On load the page first looks for an existing session
 * (`getBackstageIdentity({ optional: true })`, no popup); without one it shows
 * the provider card, or opens the popup straight away when `auto` is true.
 * The `spectrocloud-auth` plugin (default export of this entry point) must be
 * installed too: it provides the API the page uses.
 *
 * @param options - see {@link SpectroCloudSignInPageModuleOptions}.
 * @alpha
 */
export function createSpectroCloudSignInPageModule(
  options: SpectroCloudSignInPageModuleOptions = {},
) {
  return createFrontendModule({
    pluginId: 'app',
    extensions: [
      SignInPageBlueprint.make({
        params: {
          loader: async () =>
            (
              await import('./SpectroCloudSignInPage')
            ).createSpectroCloudSignInPage(options),
        },
      }),
    ],
  });
}

/**
 * New frontend system: {@link createSpectroCloudSignInPageModule} with default
 * options (title `SpectroCloud`, `auto` off).
 *
 * @alpha
 */
export const spectroCloudSignInPageModule =
  createSpectroCloudSignInPageModule();
