/**
 * Backstage auth backend module: sign in with SpectroCloud Palette (OpenID Connect authorization
 * code flow with PKCE), provider id `spectrocloud`.
 *
 * @packageDocumentation
 */

export { authModuleSpectroCloudProvider as default } from './module';
export { authModuleSpectroCloudProvider } from './module';
export { spectroCloudAuthenticator } from './authenticator';
export { spectroCloudSignInResolvers } from './resolvers';
export { SPECTROCLOUD_API_TOKEN_COOKIE } from './apiTokenCookie';
export { createSpectroCloudProviderFactory } from './providerFactory';
export type {
  SpectroCloudProviderFactoryOptions,
  SpectroCloudSignInResult,
} from './providerFactory';
export type { SpectroCloudProfile } from './profile';
export { configureRedactedRequestLog } from './requestLog/configureRedactedRequestLog';
