import { oneLine } from '../report/escape.js';
import { scrub } from '../secrets.js';

/**
 * How a failed call should be treated:
 * - throttled / unavailable / network / timeout: transient, worth retrying;
 * - client: the request is wrong (4xx other than throttling), retrying cannot help;
 * - business: HTTP 200 with `success: false`, the service refused.
 */
export type CloudErrorKind = 'throttled' | 'unavailable' | 'network' | 'timeout' | 'client' | 'business';

export class CloudError extends Error {
  override readonly name = 'CloudError';
  constructor(
    message: string,
    readonly kind: CloudErrorKind,
    readonly code: string,
    readonly action: string,
    readonly statusCode?: number,
    readonly requestId?: string,
    /** Server-suggested wait before retrying (`x-acs-retry-after`), in milliseconds. */
    readonly retryAfterMs?: number,
    /** False only when the request surely never reached the service (refused connection, unknown host). */
    readonly reachedService = true,
  ) {
    super(message);
  }

  get transient(): boolean {
    return this.kind === 'throttled' || this.kind === 'unavailable' || this.kind === 'network' || this.kind === 'timeout';
  }

  /**
   * The service may have carried the request out: no answer, a broken connection, or a server
   * error (which can come after the work was done). A mutation that fails so must be checked.
   */
  get ambiguous(): boolean {
    return this.reachedService && (this.kind === 'unavailable' || this.kind === 'network' || this.kind === 'timeout');
  }

  /** The service says what this mutation would create is there already. */
  get alreadyExists(): boolean {
    return /AlreadyExist/i.test(this.code) || (this.kind === 'business' && /already (exists|registered)/i.test(this.message));
  }
}

/** The key under which a body that is not JSON (a gateway's HTML page, nothing) is kept as text; see sdk.ts. */
export const RAW_BODY = 'fca:rawBody';

/** Every shape a failed answer's body comes in: the service's envelope, the gateway's JSON, or text. */
export interface FailedBody {
  requestId?: unknown;
  RequestId?: unknown;
  success?: unknown;
  httpCode?: unknown;
  errorCode?: unknown;
  errorMessage?: unknown;
  Code?: unknown;
  code?: unknown;
  Message?: unknown;
  message?: unknown;
  [RAW_BODY]?: string;
}

/** Longest message: every value in it came from the service, so it is one line, whatever they hold. */
const MESSAGE_MAX = 2000;

/** Longest excerpt of a body that is not JSON. */
const EXCERPT_LENGTH = 120;

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'ECONNABORTED']);
/** Failures that happen before a byte is sent: the service cannot have acted. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The code of the error a connection gets when it is not established in time (see request-limit.ts). */
export const CONNECT_TIMEOUT = 'ConnectTimeout';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' && value !== 'undefined' ? value : undefined);

/**
 * The one classification of a failed answer, from its status, body and code together. `status`
 * is the HTTP status; a 2xx with `success: false` arrives here too.
 */
export function answerError(action: string, status: number, body: FailedBody | undefined, secrets: readonly string[], hints: { requestId?: string; retryAfterMs?: number; code?: string } = {}): CloudError {
  const b = body ?? {};
  const code = text(b.errorCode) ?? text(b.Code) ?? text(b.code) ?? text(hints.code);
  const detail = text(b.errorMessage) ?? text(b.Message) ?? text(b.message);
  const requestId = text(b.requestId) ?? text(b.RequestId) ?? hints.requestId;
  const httpCode = typeof b.httpCode === 'number' ? b.httpCode : undefined;
  const raw = b[RAW_BODY];
  const excerpt = raw === undefined ? undefined : raw.trim() === '' ? '(empty body)' : `body: ${oneLine(raw, EXCERPT_LENGTH)}`;
  const clean = (s: string): string => scrub(s, secrets);

  const throttled = status === 429 || httpCode === 429 || /throttling/i.test(code ?? '');
  const failing = status >= 500 || (httpCode !== undefined && httpCode >= 500);
  const kind: CloudErrorKind = throttled ? 'throttled' : failing ? 'unavailable' : status < 300 ? 'business' : 'client';
  const tail = `${detail ? `: ${clean(oneLine(detail, 1000))}` : ''}${excerpt ? ` ${clean(excerpt)}` : ''}${requestId ? ` (request ${requestId})` : ''}`;
  const message =
    status < 300 && !excerpt
      ? `${action} was refused: ${code ?? 'UnknownError'}${httpCode !== undefined && httpCode !== 200 ? ` (httpCode ${httpCode})` : ''}${tail || ': no message'}`
      : `${action} failed: HTTP ${status}${code ? ` ${code}` : ''}${tail}`;
  return new CloudError(oneLine(message, MESSAGE_MAX), kind, code ?? `HTTP${status}`, action, status, requestId, hints.retryAfterMs);
}

interface RuntimeErrorShape {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  requestId?: string;
  retryAfter?: number;
  data?: FailedBody;
}

/** Turns whatever the runtime threw into a scrubbed `CloudError`. */
export function toCloudError(error: unknown, action: string, secrets: readonly string[]): CloudError {
  if (error instanceof CloudError) return error;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as RuntimeErrorShape;
  if (typeof e.statusCode === 'number') {
    return answerError(action, e.statusCode, e.data, secrets, {
      requestId: text(e.requestId),
      code: text(e.code),
      retryAfterMs: typeof e.retryAfter === 'number' && e.retryAfter > 0 ? e.retryAfter : undefined,
    });
  }
  const code = String(e.code ?? e.name ?? 'Error');
  const raw = scrub(oneLine(e.message ?? String(error), 1000), secrets);
  if (code === CONNECT_TIMEOUT) {
    return new CloudError(`${action} failed: could not connect: ${raw}`, 'network', 'ConnectTimeout', action, undefined, undefined, undefined, false);
  }
  if (e.name === 'RequestTimeoutError' || /timeout/i.test(code) || /timeout/i.test(raw)) {
    return new CloudError(`${action} timed out: ${raw}`, 'timeout', 'RequestTimeout', action);
  }
  if (NETWORK_CODES.has(code) || /socket hang up|ECONNRESET|ECONNREFUSED/i.test(raw)) {
    return new CloudError(`${action} failed: connection error (${code}): ${raw}`, 'network', code, action, undefined, undefined, undefined, !NEVER_SENT.has(code));
  }
  return new CloudError(`${action} failed: ${raw}`, 'client', code, action);
}
