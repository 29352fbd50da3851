/**
 * What the default branch's history says about merges: the commits between two commits, a
 * commit's message, and whether a pull request was merged as a given commit.
 */
import type { Octokit } from './client.js';
import { rethrowAsPermissionError } from './errors.js';

export interface HistoryCommit {
  readonly sha: string;
  readonly message: string;
}

/** GitHub's compare lists at most this many commits; beyond it the range is not followed. */
export const MAX_COMPARED_COMMITS = 250;

/** The commits after `base` up to `head` (oldest first), or undefined when GitHub cannot compare them. */
export async function commitsBetween(octokit: Octokit, owner: string, repo: string, base: string, head: string): Promise<HistoryCommit[] | undefined> {
  try {
    const commits: HistoryCommit[] = [];
    for (let page = 1; commits.length < MAX_COMPARED_COMMITS; page++) {
      const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${base}...${head}`, per_page: 100, page });
      for (const c of data.commits) commits.push({ sha: c.sha.toLowerCase(), message: c.commit.message });
      if (data.commits.length < 100 || commits.length >= data.total_commits) break;
    }
    return commits;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    rethrowAsPermissionError(error, 'contents: read', `compare ${base}...${head} in ${owner}/${repo}`);
  }
}

/** How `head` stands to `base` on GitHub: `unknown` when GitHub does not know one of them. */
export type Ancestry = 'identical' | 'ahead' | 'behind' | 'diverged' | 'unknown';

/** Whether `head` descends from `base` (ahead), is `base` (identical), is older (behind) or neither (diverged). */
export async function ancestry(octokit: Octokit, owner: string, repo: string, base: string, head: string): Promise<Ancestry> {
  try {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${base}...${head}`, per_page: 1 });
    const status = data.status as string;
    return status === 'identical' || status === 'ahead' || status === 'behind' || status === 'diverged' ? status : 'unknown';
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 422) return 'unknown';
    rethrowAsPermissionError(error, 'contents: read', `compare ${base}...${head} in ${owner}/${repo}`);
  }
}

/** The message of a commit, or undefined when GitHub does not know it. */
export async function commitMessage(octokit: Octokit, owner: string, repo: string, sha: string): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.repos.getCommit({ owner, repo, ref: sha });
    return data.commit.message;
  } catch (error) {
    if ((error as { status?: number }).status === 404 || (error as { status?: number }).status === 422) return undefined;
    rethrowAsPermissionError(error, 'contents: read', `read commit ${sha} in ${owner}/${repo}`);
  }
}

/** The PR number a merge names in its title: squash `... (#123)`, merge commit `Merge pull request #123 from ...`. */
export function pullNumberInMessage(message: string): number | undefined {
  const title = message.split('\n')[0] ?? '';
  const match = /^Merge pull request #(\d+) from /.exec(title) ?? /\(#(\d+)\)\s*$/.exec(title);
  return match ? Number(match[1]) : undefined;
}

/** Whether pull request `number` was merged as commit `sha` (its `merge_commit_sha`). */
export async function mergedAs(octokit: Octokit, owner: string, repo: string, number: number, sha: string): Promise<boolean> {
  try {
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
    return data.merged_at !== null && (data.merge_commit_sha ?? '').toLowerCase() === sha.toLowerCase();
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    rethrowAsPermissionError(error, 'pull-requests: read', `read pull request #${number} in ${owner}/${repo}`);
  }
}
