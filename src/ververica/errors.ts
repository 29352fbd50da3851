import { scrub } from '../secrets.js';

/**
 * How a failed call should be treated:
 * - throttled / unavailable / network: transient, worth retrying;
 * - timeout / network on a mutation: ambiguous, the server may have acted;
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
  ) {
    super(message);
  }

  get transient(): boolean {
    return this.kind === 'throttled' || this.kind === 'unavailable' || this.kind === 'network' || this.kind === 'timeout';
  }
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

interface RuntimeErrorShape {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  requestId?: string;
  retryAfter?: number;
  data?: { Code?: string; code?: string; Message?: string; message?: string };
}

/** Turns whatever the runtime threw into a scrubbed `CloudError`. */
export function toCloudError(error: unknown, action: string, secrets: readonly string[]): CloudError {
  if (error instanceof CloudError) return error;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as RuntimeErrorShape;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const code = String(e.data?.Code ?? e.data?.code ?? e.code ?? e.name ?? 'Error');
  const serverMessage = e.data?.Message ?? e.data?.message;
  const requestId = e.requestId && e.requestId !== 'undefined' ? e.requestId : undefined;
  const clean = (text: string): string => scrub(text, secrets);

  if (status !== undefined) {
    const detail = clean(serverMessage ?? e.message ?? '');
    const message = `${action} failed: HTTP ${status} ${code}${detail ? `: ${detail}` : ''}${requestId ? ` (request ${requestId})` : ''}`;
    const kind: CloudErrorKind = /throttling/i.test(code) || status === 429 ? 'throttled' : status >= 500 ? 'unavailable' : 'client';
    return new CloudError(message, kind, code, action, status, requestId, typeof e.retryAfter === 'number' ? e.retryAfter : undefined);
  }
  const raw = clean(e.message ?? String(error));
  if (e.name === 'RequestTimeoutError' || /timeout/i.test(code) || /timeout/i.test(raw)) {
    return new CloudError(`${action} timed out: ${raw}`, 'timeout', 'RequestTimeout', action);
  }
  if (NETWORK_CODES.has(code) || /socket hang up|ECONNRESET|ECONNREFUSED/i.test(raw)) {
    return new CloudError(`${action} failed: connection error (${code}): ${raw}`, 'network', code, action);
  }
  return new CloudError(`${action} failed: ${raw}`, 'client', code, action);
}

/** A `success: false` body: a definite refusal, shown verbatim (but scrubbed). */
export function businessError(
  action: string,
  body: { errorCode?: string; errorMessage?: string; requestId?: string },
  secrets: readonly string[],
): CloudError {
  const code = body.errorCode || 'UnknownError';
  const message = `${action} was refused: ${code}: ${scrub(body.errorMessage || 'no message', secrets)}${body.requestId ? ` (request ${body.requestId})` : ''}`;
  return new CloudError(message, 'business', code, action, 200, body.requestId);
}
