/** Which pull request a commit came from (for a push to the default branch: the merged PR). */
import type { Octokit } from './client.js';
import { rethrowAsPermissionError } from './errors.js';

interface AssociatedPull {
  readonly number: number;
  readonly state: string;
  readonly merged_at: string | null;
  readonly head: { readonly sha: string };
}

/** Lower is better: the PR merged as this commit, then an open PR whose head it is, then any open one. */
function rank(pull: AssociatedPull, sha: string): number {
  if (pull.merged_at) return 0;
  if (pull.state === 'open') return pull.head.sha.toLowerCase() === sha.toLowerCase() ? 1 : 2;
  return 3;
}

/**
 * The number of the PR associated with `sha`, preferring a merged one (the most
 * recently merged if several); undefined when the commit belongs to no PR.
 */
export async function findPullForCommit(
  octokit: Octokit,
  owner: string,
  repo: string,
  sha: string,
): Promise<number | undefined> {
  let pulls: AssociatedPull[];
  try {
    ({ data: pulls } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      owner,
      repo,
      commit_sha: sha,
      per_page: 100,
    }));
  } catch (error) {
    rethrowAsPermissionError(error, 'pull-requests: read', `list the pull requests of commit ${sha} in ${owner}/${repo}`);
  }
  const best = [...pulls].sort(
    (a, b) => rank(a, sha) - rank(b, sha) || (b.merged_at ?? '').localeCompare(a.merged_at ?? ''),
  )[0];
  return best?.number;
}

/** The PR merged as `sha`, from `GET /commits/{sha}/pulls` (which can lag right after a merge). */
export async function findMergedPull(octokit: Octokit, owner: string, repo: string, sha: string): Promise<number | undefined> {
  let pulls: AssociatedPull[];
  try {
    ({ data: pulls } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: sha, per_page: 100 }));
  } catch (error) {
    rethrowAsPermissionError(error, 'pull-requests: read', `list the pull requests of commit ${sha} in ${owner}/${repo}`);
  }
  return pulls.filter((p) => p.merged_at).sort((a, b) => (b.merged_at ?? '').localeCompare(a.merged_at ?? ''))[0]?.number;
}
