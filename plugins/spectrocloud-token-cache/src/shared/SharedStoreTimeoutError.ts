/** A shared cache store call did not settle within the configured `sharedTimeout`. */
export class SharedStoreTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The shared cache store did not answer within ${timeoutMs} ms`);
    this.name = 'SharedStoreTimeoutError';
  }
}
