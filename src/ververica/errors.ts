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
  const excerpt = describeBody(b[RAW_BODY]);
  // Scrub before cutting: a cut secret no longer matches.
  const clean = (s: string, max: number): string => oneLine(scrub(s, secrets), max);

  const throttled = status === 429 || httpCode === 429 || /throttling/i.test(code ?? '');
  const failing = status >= 500 || (httpCode !== undefined && httpCode >= 500);
  const kind: CloudErrorKind = throttled ? 'throttled' : failing ? 'unavailable' : status < 300 ? 'business' : 'client';
  const tail = `${detail ? `: ${clean(detail, 1000)}` : ''}${excerpt ? ` ${excerpt}` : ''}${requestId ? ` (request ${requestId})` : ''}`;
  const message =
    status < 300 && !excerpt
      ? `${action} was refused: ${code ?? 'UnknownError'}${httpCode !== undefined && httpCode !== 200 ? ` (httpCode ${httpCode})` : ''}${tail || ': no message'}`
      : `${action} failed: HTTP ${status}${code ? ` ${code}` : ''}${tail}`;
  return new CloudError(clean(message, MESSAGE_MAX), kind, code ?? `HTTP${status}`, action, status, requestId, hints.retryAfterMs);
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
  const raw = oneLine(scrub(sentence(e.message ?? String(error)), secrets), 1000);
  if (code === CONNECT_TIMEOUT) {
    return new CloudError(`${action} failed: could not connect: ${raw}`, 'network', 'ConnectTimeout', action, undefined, undefined, undefined, false);
  }
  if (e.name === 'RequestTimeoutError' || /timeout/i.test(code) || /timeout/i.test(raw)) {
    return new CloudError(`${action} timed out: ${raw}`, 'timeout', 'RequestTimeout', action);
  }
  if (NETWORK_CODES.has(code) || /socket hang up|ECONNRESET|ECONNREFUSED/i.test(raw)) {
    return new CloudError(`${action} failed: connection error (${code}): ${raw}`, 'network', code, action, undefined, undefined, undefined, !NEVER_SENT.has(code));
  }
  if (CREDENTIAL_CHAIN.test(raw)) return new CloudError(`${action} failed: ${noCredentials(raw)}`, 'client', 'NoCredentials', action, undefined, undefined, undefined, false);
  return new CloudError(`${action} failed: ${raw}`, 'client', code, action);
}

/**
 * A body that is not the service's JSON (a gateway's or proxy's page) is described, never quoted:
 * such pages can echo the request's headers, credentials included, in spellings no scrub foresees.
 * The status, the code and the request ID say what is needed.
 */
function describeBody(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') return '(empty body)';
  const what = /^\s*<(!doctype|html)/i.test(raw) ? 'an HTML page' : 'a body';
  return `(${what} of ${Buffer.byteLength(raw)} bytes instead of the service's JSON; not shown)`;
}

/**
 * The HTTP library appends the request to a transport error's message without a space
 * (`socket hang upGET http://…/ failed.`): this makes it read as a sentence.
 */
export function sentence(message: string): string {
  return message.replace(/(\S)((?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S+ failed\.)/g, (_m, last: string, request: string) => `${last}${/[.:;,]/.test(last) ? '' : ':'} ${request}`);
}

/** What the Alibaba Cloud credential library says when the chain found nothing. */
const CREDENTIAL_CHAIN = /unable to get credentials|AccessKeyId (?:is )?(?:empty|must|required)|Access key ID must be specified/i;

/** How to give the run credentials, as the action's user gives them. */
export const ACTION_CREDENTIALS =
  'set the inputs `access-key-id` and `access-key-secret` (check that the secrets they read exist and are spelt as in the workflow), or `role-arn` and `oidc-provider-arn` for keyless sign-in, or give the job the variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET';

/**
 * Our own sentence first, then the library's words as a quote (they are its words, typos included,
 * not ours), scrubbed and on one line.
 */
export function noCredentials(libraryMessage: string, how = ACTION_CREDENTIALS): string {
  return `no Alibaba Cloud credentials were found, so nothing was sent to the API. To give the run credentials, ${how}. The credential library said: "${oneLine(sentence(libraryMessage), 600)}"`;
}
