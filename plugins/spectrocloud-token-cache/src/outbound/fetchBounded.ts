import { withDeadline } from './deadline';

/** Default limit of an outbound response body, in BYTES (1 MiB). * @public
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** The kind of failure of an outbound request. * @public
 */
export type OutboundFailure =
  | 'timeout'
  | 'tooLarge'
  | 'status'
  | 'notJson'
  | 'network';

/**
 * Why an outbound request failed, as fixed text that never contains a URL or a response body:
 * `no answer within <n> ms`, `the response is larger than <n> bytes`, `HTTP <status>`,
 * `the response is not JSON` or `the request failed (<network error code>)`. Callers prefix it
 * with the endpoint kind (e.g. `Palette JWKS endpoint`).
 * @public
 */
export class OutboundRequestError extends Error {
  /** What failed: see {@link OutboundFailure}. */
  readonly failure: OutboundFailure;
  /** The HTTP status (`status`), network error code (`network`) or limit in bytes (`tooLarge`). */
  readonly detail?: string;

  constructor(failure: OutboundFailure, reason: string, detail?: string) {
    super(reason);
    this.name = 'OutboundRequestError';
    this.failure = failure;
    this.detail = detail;
  }
}

/** Limits of one outbound request. * @public
 */
export interface OutboundLimits {
  /** Deadline of the whole exchange (connect, headers AND body), in MILLISECONDS. */
  timeoutMs: number;
  /** Largest accepted body, in BYTES. Default {@link DEFAULT_MAX_RESPONSE_BYTES}. */
  maxBytes?: number;
}

const NETWORK_ERROR_CODE = /^E[A-Z_]{2,40}$/;

/**
 * The system error code of a failed fetch (`ECONNREFUSED`, ...). undici reports a connection the
 * server closed or reset mid-exchange as `UND_ERR_SOCKET`; it is named `ECONNRESET`, as Node's
 * http client names it.
 */
function networkCode(error: unknown): string | undefined {
  let code =
    (error as { cause?: { code?: unknown } })?.cause?.code ??
    (error as { code?: unknown })?.code;
  if (code === 'UND_ERR_SOCKET') {
    code = 'ECONNRESET';
  }
  return typeof code === 'string' && NETWORK_ERROR_CODE.test(code)
    ? code
    : undefined;
}

function tooLarge(maxBytes: number): OutboundRequestError {
  return new OutboundRequestError(
    'tooLarge',
    `the response is larger than ${maxBytes} bytes`,
    String(maxBytes),
  );
}

async function readCapped(
  response: Response,
  maxBytes: number,
  abort: () => void,
): Promise<Uint8Array> {
  const announced = response.headers.get('content-length');
  const declared = announced === null ? NaN : Number(announced);
  if (Number.isFinite(declared) && declared > maxBytes) {
    abort();
    throw tooLarge(maxBytes);
  }
  if (
    Number.isInteger(declared) &&
    declared >= 0 &&
    !response.headers.has('content-encoding')
  ) {
    // A declared length within the limit bounds the body (the client refuses more than it
    // announces): read it at once rather than chunk by chunk through a stream reader.
    return new Uint8Array(await response.arrayBuffer());
  }
  const body = new Uint8Array(
    Math.min(maxBytes, Number.isFinite(declared) ? declared : 16 * 1024),
  );
  let buffer = body;
  let length = 0;
  const reader = response.body?.getReader();
  if (!reader) {
    return new Uint8Array(0);
  }
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      return buffer.subarray(0, length);
    }
    if (length + value.byteLength > maxBytes) {
      abort();
      reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    if (length + value.byteLength > buffer.length) {
      const grown = new Uint8Array(
        Math.min(
          maxBytes,
          Math.max(buffer.length * 2, length + value.byteLength),
        ),
      );
      grown.set(buffer.subarray(0, length));
      buffer = grown;
    }
    buffer.set(value, length);
    length += value.byteLength;
  }
}

/**
 * `fetch(input, init)` within limits: the whole exchange is ABORTED at `timeoutMs` (the socket is
 * closed), the body is read while it streams and the request aborted as soon as it exceeds
 * `maxBytes` (or its `Content-Length` announces more). Resolves with a new `Response` holding the
 * complete body (status and headers kept), so a library given this as its `fetch` (e.g.
 * oauth4webapi's `customFetch`) parses a bounded body. A caller's own `init.signal` still works.
 *
 * @throws OutboundRequestError (`timeout`, `tooLarge` or `network`); never a body or a URL.
 * @public
 */
export async function fetchBounded(
  input: string | URL,
  init: RequestInit,
  limits: OutboundLimits,
): Promise<Response> {
  const { timeoutMs } = limits;
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const timeout = () =>
    new OutboundRequestError('timeout', `no answer within ${timeoutMs} ms`);
  try {
    return await withDeadline(
      async deadline => {
        const controller = new AbortController();
        const abort = () => controller.abort();
        // The deadline aborts our controller (cheaper than AbortSignal.any per request); a
        // caller's own signal is combined with it.
        deadline.addEventListener('abort', abort, { once: true });
        const response = await fetch(input, {
          ...init,
          redirect: init.redirect ?? 'manual',
          signal: init.signal
            ? AbortSignal.any([controller.signal, init.signal])
            : controller.signal,
        });
        const body = await readCapped(response, maxBytes, abort);
        const empty = [101, 204, 205, 304].includes(response.status);
        return new Response(empty ? null : body, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      },
      timeoutMs,
      timeout,
    );
  } catch (error) {
    if (error instanceof OutboundRequestError) {
      throw error;
    }
    if ((error as { name?: unknown })?.name === 'TimeoutError') {
      throw timeout();
    }
    const code = networkCode(error);
    throw new OutboundRequestError(
      'network',
      code ? `the request failed (${code})` : 'the request failed',
      code,
    );
  }
}

/**
 * GETs `url` with {@link fetchBounded} and parses its JSON body.
 *
 * @throws OutboundRequestError on a timeout, a body over the limit, a non-2xx status (`status`,
 *   the body is not read further), a body that is not JSON or a network failure.
 * @public
 */
export async function fetchJsonBounded(
  url: string,
  options: OutboundLimits & {
    accept?: string;
    headers?: Record<string, string>;
  },
): Promise<unknown> {
  const response = await fetchBounded(
    url,
    {
      headers: {
        Accept: options.accept ?? 'application/json',
        ...options.headers,
      },
    },
    options,
  );
  if (!response.ok) {
    throw new OutboundRequestError(
      'status',
      `HTTP ${response.status}`,
      String(response.status),
    );
  }
  try {
    return JSON.parse(await response.text());
  } catch {
    throw new OutboundRequestError('notJson', 'the response is not JSON');
  }
}
