/**
 * Outbound HTTP with a deadline and a bounded response body, as the SpectroCloud auth module
 * calls Palette (discovery, JWKS, token endpoint, session renewal); usable by plugins that call
 * the Palette REST API with the user's session token.
 *
 * @packageDocumentation
 */

export {
  DEFAULT_MAX_RESPONSE_BYTES,
  fetchBounded,
  fetchJsonBounded,
  OutboundRequestError,
} from '../outbound/fetchBounded';
export type { OutboundFailure, OutboundLimits } from '../outbound/fetchBounded';
export { withDeadline } from '../outbound/deadline';
export { readDurationMs } from '../readDurationMs';
