import type { AccessTokenStore } from './accessTokens';
import type { AuthorizationCodeStore } from './authorizationCodes';
import type { SigningKeys } from './keys';
import type { SessionTokens } from './sessionTokens';
import type {
  MockPaletteApiRequest,
  MockPaletteCalls,
  MockPaletteSettings,
} from './types';
import type { DemoUser } from './users';

/** Everything the route handlers of one mock tenant share. */
export interface MockPaletteContext {
  /** Set once the server listens (the port may be random). */
  issuer: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  users: DemoUser[];
  settings: MockPaletteSettings;
  calls: MockPaletteCalls;
  apiRequests: MockPaletteApiRequest[];
  keys: SigningKeys;
  sessionTokens: SessionTokens;
  codes: AuthorizationCodeStore;
  accessTokens: AccessTokenStore;
}
