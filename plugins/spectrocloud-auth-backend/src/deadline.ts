/**
 * Thrown by {@link withDeadline} when Palette did not answer in time. Its message carries only the
 * timeout, never a URL parameter or token.
 */
export class PaletteTimeoutError extends Error {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`Palette did not answer within ${timeoutMs} ms`);
    this.name = 'PaletteTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Resolves like `promise`, or rejects with {@link PaletteTimeoutError} after `deadlineMs`
 * milliseconds. A safety net on top of the per-request HTTP timeouts: openid-client's own timeout
 * covers waiting for response headers, not a body that never ends.
 *
 * @param reportedTimeoutMs - the configured timeout named in the error message
 */
export async function withDeadline<T>(
  promise: Promise<T>,
  deadlineMs: number,
  reportedTimeoutMs: number = deadlineMs,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PaletteTimeoutError(reportedTimeoutMs)),
      deadlineMs,
    );
    timer.unref?.();
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
