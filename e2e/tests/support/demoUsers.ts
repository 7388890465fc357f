import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** A demo user of the mock Palette, as in packages/mock-palette/fixtures/demo-users.json. */
export interface FixtureUser {
  uid: string;
  email: string;
  givenName: string;
  familyName: string;
  inCatalog: boolean;
  projects: Array<{ uid: string; name: string }>;
}

const fixture: FixtureUser[] = JSON.parse(
  readFileSync(
    resolve(
      __dirname,
      '..',
      '..',
      '..',
      'packages/mock-palette/fixtures/demo-users.json',
    ),
    'utf8',
  ),
);

/** The demo user with this email, from the shared fixture; throws when there is none. */
export function fixtureUser(email: string): FixtureUser {
  const user = fixture.find(u => u.email === email);
  if (!user) {
    throw new Error(`No demo user ${email} in the fixture`);
  }
  return user;
}

/** `"Alice Anderson"`: the name the mock Palette login page shows on the user's button. */
export function fullName(user: FixtureUser): string {
  return `${user.givenName} ${user.familyName}`;
}
