/**
 * The one place an Octokit is built, so every GitHub call shares the same
 * base URL (GitHub Enterprise Server, or a local fake in tests) and plugins.
 */
import { getOctokit } from '@actions/github';

export type Octokit = ReturnType<typeof getOctokit>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * @param token   the workflow's `GITHUB_TOKEN` or a personal access token
 * @param baseUrl the REST API root; omitted, `@actions/github` uses `GITHUB_API_URL`
 *                as it was when the package was first imported (else api.github.com)
 */
export function createOctokit(token: string, baseUrl?: string): Octokit {
  if (token === '') throw new Error('A GitHub token is required to call the GitHub API.');
  if (baseUrl === undefined || baseUrl === '') return getOctokit(token);
  const root = baseUrl.replace(/\/+$/, '');
  // @actions/github picks its proxy-aware fetch for the default API host at import
  // time; a loopback server must never be reached through an HTTP(S)_PROXY.
  const request = LOOPBACK_HOSTS.has(new URL(root).hostname)
    ? { request: { fetch: globalThis.fetch } }
    : {};
  return getOctokit(token, { baseUrl: root, ...request });
}
