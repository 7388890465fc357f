import { AsyncLocalStorage } from 'node:async_hooks';
import { Response } from 'express';

/** What the provider's route handler wrappers make available to the sign-in resolver wrapper. */
export interface SpectroCloudRequestContext {
  /** The express response of the running frame handler or refresh request. */
  res: Response;
  /** Whether cookies get the `Secure` attribute (the callback URL is https). */
  secureCookies: boolean;
}

const storage = new AsyncLocalStorage<SpectroCloudRequestContext>();

/** Runs `fn` with `context` visible to {@link currentRequestContext} in its async continuation. */
export function runWithRequestContext<T>(
  context: SpectroCloudRequestContext,
  fn: () => T,
): T {
  return storage.run(context, fn);
}

/** The context of the running request, or `undefined` outside a wrapped route handler. */
export function currentRequestContext():
  | SpectroCloudRequestContext
  | undefined {
  return storage.getStore();
}
