/**
 * Fault injection: rules that make the next matching API calls fail the way
 * the cloud (or the network in front of it) can fail, so retries, timeouts and
 * "did my mutation happen?" handling can be exercised deterministically.
 */

/** The API actions the emulator serves, as the client names them in `x-acs-action`. */
export const API_ACTIONS = ['ListCustomConnectors', 'RegisterCustomConnector', 'DeleteCustomConnector', 'ListDeployments', 'GetCatalogs', 'GetDatabases', 'GetTables', 'ValidateSqlStatement'] as const;
export type ApiAction = (typeof API_ACTIONS)[number];

/** Which calls a rule applies to, and to how many of them. */
export interface FaultScope {
  /** Only calls of this action (default: any). */
  readonly action?: ApiAction;
  /** Only calls on this namespace (default: any). */
  readonly namespace?: string;
  /** Only calls on this workspace (default: any). */
  readonly workspaceId?: string;
  /** How many matching calls the rule affects (default 1; `Infinity` for all). */
  readonly times?: number;
}

export type FaultEffect =
  /**
   * An HTTP error from the gateway, with body `{RequestId, HostId, Code, Message}`.
   * `retryAfterSeconds` adds an `x-acs-retry-after` header expressed in
   * **milliseconds**, the unit the runtime hands to its retry backoff as is.
   */
  | {
      readonly kind: 'http';
      readonly status: number;
      readonly code: string;
      readonly message?: string;
      readonly retryAfterSeconds?: number;
      /**
       * The body's shape: the gateway's JSON (default), the service's own envelope
       * (`{requestId, success: false, httpCode, errorCode, errorMessage}`), an HTML page as load
       * balancers send, an HTML page that echoes the request's headers (HTML-escaped, as debugging
       * proxies and some error pages do: `echo`), or nothing at all.
       */
      readonly body?: HttpFaultBody;
      /** The call is served first (any mutation happens), then this error is the answer. */
      readonly afterServing?: boolean;
    }
  /** HTTP 200 with `success: false`: the service refused, the runtime does not throw. */
  | { readonly kind: 'business'; readonly errorCode: string; readonly errorMessage: string }
  /** The connection is destroyed before any response: the call never reached the service. */
  | { readonly kind: 'reset' }
  /**
   * The response is sent `delayMs` later. The call is served at once (any mutation happens), unless
   * `acts` is false: then nothing happens and the late answer is a gateway's 504 page.
   */
  | { readonly kind: 'slow'; readonly delayMs: number; readonly acts?: boolean }
  /** The call is served (any mutation happens), then the connection is destroyed: the response is lost. */
  | { readonly kind: 'lost-response' };

export const HTTP_FAULT_BODIES = ['gateway', 'envelope', 'html', 'echo', 'empty'] as const;
export type HttpFaultBody = (typeof HTTP_FAULT_BODIES)[number];

export type FaultRule = FaultScope & FaultEffect;

/** The call a rule is matched against. */
export interface CallInfo {
  readonly action: ApiAction;
  readonly workspaceId?: string;
  readonly namespace: string;
}

/** Rules in insertion order; each call consumes one use of the first rule that matches it. */
export class FaultQueue {
  private rules: { rule: FaultRule; remaining: number }[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  /** Rules still armed, with the uses left. */
  pending(): { rule: FaultRule; remaining: number }[] {
    return this.rules.map((entry) => ({ ...entry }));
  }

  /** The effect for this call, if any rule matches; the rule's use is consumed. */
  take(call: CallInfo): FaultEffect | undefined {
    const index = this.rules.findIndex(({ rule }) => matches(rule, call));
    const entry = this.rules[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.rules.splice(index, 1);
    return entry.rule;
  }
}

function matches(rule: FaultRule, call: CallInfo): boolean {
  return (
    (rule.action === undefined || rule.action === call.action) &&
    (rule.namespace === undefined || rule.namespace === call.namespace) &&
    (rule.workspaceId === undefined || rule.workspaceId === call.workspaceId)
  );
}

/**
 * Validates a rule that arrived as JSON (control endpoint). JSON has no
 * Infinity, so `times` also accepts the string "Infinity" or -1 for "forever".
 * Returns the rule, or a message saying what is wrong.
 */
export function parseFaultRule(value: unknown): FaultRule | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a fault rule must be a JSON object';
  const raw = value as Record<string, unknown>;
  const scope: { action?: ApiAction; namespace?: string; workspaceId?: string; times?: number } = {};
  if (raw.action !== undefined) {
    if (!API_ACTIONS.includes(raw.action as ApiAction)) return `action must be one of ${API_ACTIONS.join(', ')}`;
    scope.action = raw.action as ApiAction;
  }
  for (const key of ['namespace', 'workspaceId'] as const) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] !== 'string') return `${key} must be a string`;
    scope[key] = raw[key];
  }
  if (raw.times !== undefined) {
    const times = raw.times === 'Infinity' || raw.times === -1 ? Infinity : raw.times;
    if (typeof times !== 'number' || !(times >= 1) || (Number.isFinite(times) && !Number.isInteger(times))) {
      return 'times must be a positive integer, "Infinity" or -1';
    }
    scope.times = times;
  }
  const effect = parseEffect(raw);
  return typeof effect === 'string' ? effect : { ...scope, ...effect };
}

function parseEffect(raw: Record<string, unknown>): FaultEffect | string {
  switch (raw.kind) {
    case 'http': {
      const { status, code, message, retryAfterSeconds, body, afterServing } = raw;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) return 'http.status must be an integer from 400 to 599';
      if (typeof code !== 'string' || code === '') return 'http.code must be a non-empty string';
      if (message !== undefined && typeof message !== 'string') return 'http.message must be a string';
      if (retryAfterSeconds !== undefined && (typeof retryAfterSeconds !== 'number' || !(retryAfterSeconds >= 0))) {
        return 'http.retryAfterSeconds must be a number >= 0';
      }
      if (body !== undefined && !HTTP_FAULT_BODIES.includes(body as HttpFaultBody)) return `http.body must be one of ${HTTP_FAULT_BODIES.join(', ')}`;
      if (afterServing !== undefined && typeof afterServing !== 'boolean') return 'http.afterServing must be a boolean';
      return { kind: 'http', status, code, message, retryAfterSeconds, body: body as HttpFaultBody | undefined, afterServing };
    }
    case 'business': {
      const { errorCode, errorMessage } = raw;
      if (typeof errorCode !== 'string' || errorCode === '') return 'business.errorCode must be a non-empty string';
      if (typeof errorMessage !== 'string') return 'business.errorMessage must be a string';
      return { kind: 'business', errorCode, errorMessage };
    }
    case 'slow': {
      const { delayMs, acts } = raw;
      if (typeof delayMs !== 'number' || !(delayMs >= 0) || !Number.isFinite(delayMs)) return 'slow.delayMs must be a number >= 0';
      if (acts !== undefined && typeof acts !== 'boolean') return 'slow.acts must be a boolean';
      return { kind: 'slow', delayMs, acts };
    }
    case 'reset':
    case 'lost-response':
      return { kind: raw.kind };
    default:
      return 'kind must be one of http, business, reset, slow, lost-response';
  }
}
