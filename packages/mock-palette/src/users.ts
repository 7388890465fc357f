import demoUsersFixture from '../fixtures/demo-users.json';

/** A Palette project a demo user belongs to. */
export interface DemoProject {
  /** Palette project uid (24 hex characters, like real Palette uids). */
  uid: string;
  /** Project name as shown in Palette, e.g. `payments`. */
  name: string;
}

/**
 * One demo user of the mock Palette tenant, as stored in
 * `packages/mock-palette/fixtures/demo-users.json` (see docs/design.md).
 */
export interface DemoUser {
  /** Palette user uid; becomes the ID token `sub` and the session token `uid`. */
  uid: string;
  /** Email address; becomes the `email` claim of ID and session tokens. */
  email: string;
  /** First name (`given_name` claim, `spec.firstName` in `/v1/users/me`). */
  givenName: string;
  /** Last name (`family_name` claim, `spec.lastName` in `/v1/users/me`). */
  familyName: string;
  /** Whether the example catalog has a `User` entity for this user. */
  inCatalog: boolean;
  /** Projects returned by `GET /v1/projects` for this user. */
  projects: DemoProject[];
}

/**
 * The demo users shared by the mock Palette (login page, tokens, REST API)
 * and the example catalog: alice and bob (in the catalog) and mallory
 * (`inCatalog: false`, for the "signed in at Palette but unknown to
 * Backstage" path). Read from `fixtures/demo-users.json`.
 */
export const demoUsers: DemoUser[] = demoUsersFixture;

/**
 * The catalog `User` entity name the example catalog uses for a demo user:
 * the local part of the email (`alice@example.com` -> `alice`).
 */
export function catalogUserName(user: Pick<DemoUser, 'email'>): string {
  const at = user.email.indexOf('@');
  return at < 0 ? user.email : user.email.slice(0, at);
}

/** The display name `"<givenName> <familyName>"` (the ID token `name` claim). */
export function fullName(user: DemoUser): string {
  return `${user.givenName} ${user.familyName}`;
}

/**
 * Finds a user by email, ignoring case and surrounding whitespace.
 * Returns `undefined` when there is none.
 */
export function findUserByEmail(
  users: readonly DemoUser[],
  email: string,
): DemoUser | undefined {
  const wanted = email.trim().toLowerCase();
  return users.find(user => user.email.toLowerCase() === wanted);
}
