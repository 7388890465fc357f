/**
 * A mock SpectroCloud Palette tenant (OIDC provider + a slice of the Palette
 * REST API) for the demo portal, integration tests and e2e tests.
 *
 * @packageDocumentation
 */

export { startMockPalette } from './startMockPalette';
export type {
  MockAuthorizeParams,
  MockPalette,
  MockPaletteCalls,
  MockPaletteOptions,
  MockPaletteSettings,
  SessionTokenDelivery,
} from './types';
export type { SignIdTokenOptions } from './keys';
export { catalogUserName, demoUsers } from './users';
export type { DemoProject, DemoUser } from './users';
