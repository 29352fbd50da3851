import { CloudError } from './errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 20_000 };

/**
 * The wait before retry number `attempt` (1-based), or undefined when the error must not be retried.
 * Full jitter over an exponential ceiling; a server's `x-acs-retry-after` is a floor.
 * Hand-written rather than taken from a retry library because the server's hint must set the delay.
 */
export function retryDelay(error: CloudError, attempt: number, policy: RetryPolicy, random: () => number): number | undefined {
  if (!error.transient || attempt > policy.maxRetries) return undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  const hint = error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, policy.maxDelayMs) : 0;
  return Math.max(jittered, hint);
}

export interface RetryHooks {
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly onRetry?: (error: CloudError, attempt: number, delayMs: number) => void;
}

/** Runs `attempt` until it succeeds, fails for good, or the retries are spent. */
export async function withRetry<T>(attempt: () => Promise<T>, toError: (e: unknown) => CloudError, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (raw) {
      const error = toError(raw);
      const delay = retryDelay(error, n, policy, hooks.random);
      if (delay === undefined) throw error;
      hooks.onRetry?.(error, n, delay);
      await hooks.sleep(delay);
    }
  }
}
