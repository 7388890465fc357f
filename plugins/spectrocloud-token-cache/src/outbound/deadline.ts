/**
 * Runs `work` with an `AbortSignal` that aborts at the deadline, and settles like `work` or
 * rejects with `timeoutError()` after `timeoutMs` MILLISECONDS, whichever comes first. The one
 * timeout helper of this repository:
 * - outbound HTTP passes the signal to `fetch`, so the request (headers AND body) is ABORTED and
 *   its socket closed at the deadline, not merely raced;
 * - a call that takes no signal (e.g. a shared cache store's client) ignores it: its promise is
 *   then raced, and a later rejection of it is handled (never an unhandled rejection).
 * The signal's abort reason is the same `timeoutError()` instance the promise rejects with; the
 * timer is cleared as soon as either side settles.
 * @public
 */
export function withDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  timeoutError: () => Error,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = timeoutError();
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const running = Promise.resolve().then(() => work(controller.signal));
  running.catch(() => {});
  return Promise.race([running, deadline]).finally(() => clearTimeout(timer));
}
