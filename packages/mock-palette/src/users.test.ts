import { catalogUserName, demoUsers, findUserByEmail } from './users';

describe('demo users', () => {
  it('has alice, bob and mallory (not in the catalog)', () => {
    expect(
      demoUsers.map(u => [u.email, u.inCatalog, u.projects.length]),
    ).toEqual([
      ['alice@example.com', true, 2],
      ['bob@example.com', true, 1],
      ['mallory@example.com', false, 1],
    ]);
    expect(new Set(demoUsers.map(u => u.uid)).size).toBe(3);
  });

  it('derives catalog names from the email local part', () => {
    expect(demoUsers.map(catalogUserName)).toEqual(['alice', 'bob', 'mallory']);
  });

  it('finds users by email ignoring case', () => {
    expect(findUserByEmail(demoUsers, ' Bob@Example.com')?.givenName).toBe(
      'Bob',
    );
    expect(findUserByEmail(demoUsers, 'eve@example.com')).toBeUndefined();
  });
});
