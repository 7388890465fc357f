import { commonSignInResolvers } from '@backstage/plugin-auth-node';

/**
 * Sign-in resolvers available to the SpectroCloud provider, by the names used in
 * `auth.providers.spectrocloud.<env>.signIn.resolvers[].resolver`.
 *
 * @remarks
 * Both match on the email of the VERIFIED ID token (lower-cased). Whichever resolver runs, the
 * provider binds the session record to the user (so that identity lookups find its Palette
 * session token) and sets the `spectrocloud-api-token` cookie only after the resolver succeeded.
 * @public
 */
export namespace spectroCloudSignInResolvers {
  /**
   * Finds the User entity whose `spec.profile.email` equals the ID token's email.
   * Options: `allowedDomains?: string[]`, `dangerouslyAllowSignInWithoutUserInCatalog?: boolean`.
   */
  export const emailMatchingUserEntityProfileEmail =
    commonSignInResolvers.emailMatchingUserEntityProfileEmail;

  /**
   * Finds the User entity named like the local part of the ID token's email.
   * Options: `allowedDomains?: string[]`, `dangerouslyAllowSignInWithoutUserInCatalog?: boolean`.
   */
  export const emailLocalPartMatchingUserEntityName =
    commonSignInResolvers.emailLocalPartMatchingUserEntityName;
}
