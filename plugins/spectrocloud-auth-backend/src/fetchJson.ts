/** The kind of failure of an outbound JSON request. */
export type OutboundFailure = 'timeout' | 'status' | 'notJson' | 'network';

/**
 * Why an outbound JSON request failed, as fixed text that never contains a response body:
 * `no answer within <n> ms`, `HTTP <status>`, `the response is not JSON` or
 * `the request failed (<network error code>)`.
 */
export class OutboundRequestError extends Error {
  readonly failure: OutboundFailure;
  /** The HTTP status (`failure: 'status'`) or network error code (`'network'`), if known. */
  readonly detail?: string;

  constructor(failure: OutboundFailure, reason: string, detail?: string) {
    super(reason);
    this.name = 'OutboundRequestError';
    this.failure = failure;
    this.detail = detail;
  }
}

const NETWORK_ERROR_CODE = /^E[A-Z_]{2,40}$/;

function networkCode(error: unknown): string | undefined {
  const code =
    (error as { cause?: { code?: unknown } })?.cause?.code ??
    (error as { code?: unknown })?.code;
  return typeof code === 'string' && NETWORK_ERROR_CODE.test(code)
    ? code
    : undefined;
}

/**
 * GETs `url` and parses its JSON body, the whole exchange (headers AND body) bounded by
 * `timeoutMs` milliseconds (`AbortSignal.timeout`).
 *
 * @throws OutboundRequestError on a timeout, a non-2xx status, a body that is not JSON or a
 *   network failure; its message never contains the response body.
 */
export async function fetchJson(
  url: string,
  options: { timeoutMs: number; accept?: string },
): Promise<unknown> {
  const { timeoutMs } = options;
  try {
    const response = await fetch(url, {
      headers: { Accept: options.accept ?? 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      // Release the connection without waiting for (or reading) the body.
      response.body?.cancel().catch(() => undefined);
      throw new OutboundRequestError(
        'status',
        `HTTP ${response.status}`,
        String(response.status),
      );
    }
    return await response.json();
  } catch (error) {
    if (error instanceof OutboundRequestError) {
      throw error;
    }
    // Duck-typed: fetch's errors (DOMException, SyntaxError) may come from another realm.
    const name = (error as { name?: unknown })?.name;
    if (name === 'TimeoutError') {
      throw new OutboundRequestError(
        'timeout',
        `no answer within ${timeoutMs} ms`,
      );
    }
    if (name === 'SyntaxError') {
      throw new OutboundRequestError('notJson', 'the response is not JSON');
    }
    const code = networkCode(error);
    throw new OutboundRequestError(
      'network',
      code ? `the request failed (${code})` : 'the request failed',
      code,
    );
  }
}
