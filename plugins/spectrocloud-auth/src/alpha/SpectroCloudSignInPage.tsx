import { SignInPage } from '@backstage/core-components';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { spectroCloudSignInProvider } from '../legacy/signInProvider';

/** Options for {@link createSpectroCloudSignInPage}. */
export type SpectroCloudSignInPageOptions = {
  title?: string;
  message?: string;
  auto?: boolean;
};

/**
 * Builds a sign-in page component: core-components `SignInPage` in
 * single-provider mode with only the SpectroCloud provider (no guest).
 */
export function createSpectroCloudSignInPage(
  options: SpectroCloudSignInPageOptions = {},
) {
  const provider = {
    ...spectroCloudSignInProvider,
    title: options.title ?? spectroCloudSignInProvider.title,
    message: options.message ?? spectroCloudSignInProvider.message,
  };
  const auto = options.auto ?? false;
  return function SpectroCloudSignInPage(props: SignInPageProps) {
    return <SignInPage {...props} provider={provider} auto={auto} />;
  };
}
