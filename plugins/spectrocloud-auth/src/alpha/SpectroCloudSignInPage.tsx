import {
  SignInPage,
  type SignInProviderConfig,
} from '@backstage/core-components';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { spectroCloudSignInProvider } from '../legacy/signInProvider';

/** Options for {@link createSpectroCloudSignInPage}. */
export type SpectroCloudSignInPageOptions = {
  title?: string;
  message?: string;
  auto?: boolean;
  additionalProviders?: Array<'guest' | SignInProviderConfig>;
};

/**
 * Builds a sign-in page component: core-components `SignInPage` in
 * single-provider mode with only the SpectroCloud provider (no guest), or, with
 * `additionalProviders`, in multi-provider mode with SpectroCloud first.
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
  const additional = options.additionalProviders ?? [];
  if (additional.length > 0) {
    const providers = [provider, ...additional];
    return function SpectroCloudSignInPage(props: SignInPageProps) {
      return <SignInPage {...props} providers={providers} auto={auto} />;
    };
  }
  return function SpectroCloudSignInPage(props: SignInPageProps) {
    return <SignInPage {...props} provider={provider} auto={auto} />;
  };
}
