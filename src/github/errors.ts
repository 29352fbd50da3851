/**
 * GitHub refusals the user can fix in their workflow file. A 403 or 404 from an
 * endpoint the token is allowed to see in principle almost always means a
 * missing `permissions:` entry (or a read-only token on a fork's PR), so the
 * error names the entry instead of echoing GitHub's terse message alone.
 */

/** The `permissions:` entry of a workflow, e.g. `pull-requests: write`. */
export type GitHubPermission =
  | 'pull-requests: write'
  | 'pull-requests: read'
  | 'deployments: write'
  | 'deployments: read'
  | 'issues: write'
  | 'contents: read';

export class GitHubPermissionError extends Error {
  override readonly name = 'GitHubPermissionError';

  constructor(
    /** The workflow permission that is probably missing. */
    readonly permission: GitHubPermission,
    /** The HTTP status GitHub answered with (403 or 404). */
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The HTTP status of an Octokit `RequestError` (or anything shaped like one). */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}

function responseOf(error: unknown): { message?: string; rateLimitRemaining?: string } {
  if (typeof error !== 'object' || error === null || !('response' in error)) return {};
  const response = error.response as { data?: { message?: unknown }; headers?: Record<string, unknown> } | undefined;
  const message = response?.data?.message;
  const remaining = response?.headers?.['x-ratelimit-remaining'];
  return {
    message: typeof message === 'string' ? message : undefined,
    rateLimitRemaining: typeof remaining === 'string' ? remaining : undefined,
  };
}

/** GitHub also answers 403 when a rate limit is hit: that is not a permission problem. */
function isRateLimited(error: unknown): boolean {
  const { message, rateLimitRemaining } = responseOf(error);
  return rateLimitRemaining === '0' || /rate limit/i.test(message ?? '');
}

/**
 * Rethrows `error` as a `GitHubPermissionError` when it is a 403 (not a rate
 * limit) or a 404; any other error is rethrown unchanged.
 * `action` completes "GitHub refused to …", e.g. `list the comments of #12 in o/r`.
 */
export function rethrowAsPermissionError(
  error: unknown,
  permission: GitHubPermission,
  action: string,
  hint?: string,
): never {
  const status = httpStatusOf(error);
  if ((status === 403 && !isRateLimited(error)) || status === 404) {
    const detail = responseOf(error).message;
    const because = detail ? `: ${detail}` : '';
    const extra = hint ? ` ${hint}` : '';
    throw new GitHubPermissionError(
      permission,
      status,
      `GitHub refused to ${action} (HTTP ${status}${because}). ` +
        `Grant the workflow \`permissions: ${permission}\`.${extra}`,
      { cause: error },
    );
  }
  throw error;
}
