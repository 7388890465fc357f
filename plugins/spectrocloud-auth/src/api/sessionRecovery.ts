import type { FetchApi } from '@backstage/core-plugin-api';

/**
 * The response header of the re-auth signal: sent with value `true` by backend plugins that use
 * the token cache's `requireSessionTokenForRequest` (HTTP 401) and by the published
 * `@terasky/backstage-plugin-spectrocloud-backend` (any status) when the caller has no Palette
 * session on the backend.
 */
const REAUTH_HEADER = 'x-spectrocloud-reauth-required';

/**
 * `true` when `response` carries the re-auth signal: the header, or, when the header is not
 * readable (a backend on another origin whose CORS settings do not expose it), a 401 whose JSON
 * error is named `SpectroCloudSessionRequiredError`.
 */
export async function asksForReAuth(response: Response): Promise<boolean> {
  if (response.headers.get(REAUTH_HEADER) === 'true') {
    return true;
  }
  if (response.status !== 401) {
    return false;
  }
  try {
    const body = await response.clone().json();
    return body?.error?.name === 'SpectroCloudSessionRequiredError';
  } catch {
    return false;
  }
}

/** `false` when `init.body` is a stream: it can be sent only once. */
function canSendAgain(init?: RequestInit): boolean {
  return !(
    typeof ReadableStream !== 'undefined' &&
    init?.body instanceof ReadableStream
  );
}

/** The two ways of getting a Palette session back, mildest first. */
export interface SessionRecoverySteps {
  /** A session refresh: no popup, no user interaction. */
  renewSilently(): Promise<void>;
  /** The standard sign-in request (dialog + popup); rejects when the user cancels it. */
  signIn(): Promise<void>;
}

type Step = keyof SessionRecoverySteps;

/**
 * Fetch calls that heal a lost Palette session: on the re-auth signal, renew silently and retry
 * once; if the signal comes again, ask the user to sign in and retry once more. Every call sends
 * at most three requests (never loops). Concurrent failing calls share one renewal and one sign-in
 * request; a call whose request was sent before another call's renewal or sign-in finished retries
 * without starting its own; after a cancelled sign-in the call resolves to the failed response.
 * A call whose `init.body` is a stream (sendable once) resolves to its first response, untouched.
 *
 * @internal
 */
export class SessionRecovery {
  /** Bumped whenever a renewal or sign-in ends (successfully or not). */
  #epoch = 0;
  readonly #running = new Map<Step, Promise<boolean>>();

  constructor(private readonly steps: SessionRecoverySteps) {}

  /** `fetchApi` whose `fetch` heals a lost session as described above. */
  wrap(fetchApi: FetchApi): FetchApi {
    return {
      fetch: (input, init) => this.#fetch(fetchApi, input, init),
    };
  }

  async #fetch(
    fetchApi: FetchApi,
    input: Parameters<FetchApi['fetch']>[0],
    init?: RequestInit,
  ): Promise<Response> {
    const send = () =>
      fetchApi.fetch(input instanceof Request ? input.clone() : input, init);
    let sentAt = this.#epoch;
    let response = await send();
    if (!canSendAgain(init)) {
      return response; // a stream body is used up: the caller gets the signal as it came
    }
    for (const step of ['renewSilently', 'signIn'] as const) {
      if (!(await asksForReAuth(response))) {
        return response;
      }
      if (sentAt === this.#epoch && !(await this.#once(step))) {
        if (step === 'signIn') {
          return response; // cancelled or failed: the caller shows "Sign in again"
        }
      }
      sentAt = this.#epoch;
      response = await send();
    }
    return response;
  }

  #once(step: Step): Promise<boolean> {
    let running = this.#running.get(step);
    if (!running) {
      running = this.steps[step]()
        .then(
          () => true,
          () => false,
        )
        .finally(() => {
          this.#epoch += 1;
          this.#running.delete(step);
        });
      this.#running.set(step, running);
    }
    return running;
  }
}
