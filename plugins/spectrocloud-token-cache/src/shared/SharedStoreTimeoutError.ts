/** Thrown by {@link withTimeout} when the operation did not settle in time. */
export class SharedStoreTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The shared cache store did not answer within ${timeoutMs} ms`);
    this.name = 'SharedStoreTimeoutError';
  }
}

/**
 * Settles like `promise`, or rejects with {@link SharedStoreTimeoutError} after `timeoutMs`
 * MILLISECONDS. A later rejection of `promise` is handled (never an unhandled rejection); the
 * timer is cleared as soon as either side settles.
 */
export function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
): Promise<T> {
  promise.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SharedStoreTimeoutError(timeoutMs)),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
