/**
 * A mock SpectroCloud Palette tenant (OIDC provider + a slice of the Palette
 * REST API) for the demo portal, integration tests and e2e tests.
 *
 * @packageDocumentation
 */

export { startMockPalette } from './startMockPalette';
export { HOSTILE_BODIES, startHostileBodyServer } from './hostileBodies';
export type {
  HostileBody,
  HostileBodyServer,
  HostileBodyServerOptions,
} from './hostileBodies';
export type {
  MockAuthorizeParams,
  MockPaletteApiRequest,
  MockEndpointFault,
  MockPalette,
  MockPaletteCalls,
  MockPaletteOptions,
  MockPaletteSettings,
  RsaSigningAlg,
  SessionTokenDelivery,
} from './types';
export type { SignIdTokenOptions } from './keys';
export { catalogUserName, demoUsers } from './users';
export type { DemoProject, DemoUser } from './users';
export { startMockKubernetes } from './kubernetes/startMockKubernetes';
export type {
  MockKubernetes,
  MockKubernetesCalls,
  MockKubernetesIssuer,
  MockKubernetesOptions,
} from './kubernetes/types';
export { DEMO_POD_NAME, DEMO_WORKLOAD_NAME } from './kubernetes/resources';
