/**
 * The one place an Octokit is built, so every GitHub call shares the same
 * base URL (GitHub Enterprise Server, or a local fake in tests), plugins and time limit.
 */
import { getOctokit } from '@actions/github';
import { defaults } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';

export type Octokit = ReturnType<typeof getOctokit>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** How long one GitHub request may take before it is abandoned: a run never hangs on GitHub either. */
export const GITHUB_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Transient GitHub failures (5xx, rate limits with Retry-After) are retried a few times; refusals
 * that a retry cannot change (401, 403, 404, 422, ...) are not.
 */
export const GITHUB_RETRIES = { retries: 2, retryAfterBaseValue: 500 };

/** `fetch` with a time limit added to whatever signal the caller gave. */
export function withTimeout(fetchImpl: typeof fetch, timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetchImpl(input, { ...init, signal });
  };
}

/**
 * @param token   the workflow's `GITHUB_TOKEN` or a personal access token
 * @param baseUrl the REST API root (`GITHUB_API_URL`)
 */
export function createOctokit(token: string, baseUrl: string, timeoutMs = GITHUB_REQUEST_TIMEOUT_MS, retries = GITHUB_RETRIES): Octokit {
  if (token === '') throw new Error('A GitHub token is required to call the GitHub API.');
  const root = baseUrl.replace(/\/+$/, '');
  // @actions/github picks its proxy-aware fetch for the default API host at import
  // time; a loopback server must never be reached through an HTTP(S)_PROXY.
  const base = LOOPBACK_HOSTS.has(new URL(root).hostname) ? globalThis.fetch : ((defaults.request?.fetch as typeof fetch | undefined) ?? globalThis.fetch);
  return getOctokit(token, { baseUrl: root, request: { fetch: withTimeout(base, timeoutMs) }, retry: retries }, retry);
}
