import {
  AUTHORIZATION_CODE_LIFETIME_MS,
  AuthorizationCodeStore,
  randomAuthorizationCode,
} from './authorizationCodes';
import { demoUsers } from './users';

const grant = {
  clientId: 'backstage-demo',
  redirectUri: 'http://localhost/cb',
  scope: 'openid',
  user: demoUsers[0],
  authTime: 0,
};

describe('AuthorizationCodeStore', () => {
  it('hands a code out once', () => {
    const store = new AuthorizationCodeStore();
    store.add('c1', grant);
    expect(store.consume('c1')).toBe(grant);
    expect(store.consume('c1')).toBeUndefined();
  });

  it('forgets codes after 10 minutes', () => {
    let now = 1_000_000;
    const store = new AuthorizationCodeStore(() => now);
    store.add('c1', grant);
    store.add('c2', grant);
    now += AUTHORIZATION_CODE_LIFETIME_MS - 1;
    expect(store.consume('c1')).toBe(grant);
    now += 1;
    expect(store.consume('c2')).toBeUndefined();
    expect(AUTHORIZATION_CODE_LIFETIME_MS).toBe(600_000);
  });

  it('makes distinct random codes', () => {
    const a = randomAuthorizationCode();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomAuthorizationCode()).not.toBe(a);
  });
});
