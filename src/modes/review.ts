/** Apply == reviewed: what the merged pull request's plan comment says was reviewed. */
import { findPullForCommit } from '../github/pulls.js';
import { findStickyComment } from '../github/sticky-comment.js';
import { commentMarker, readFingerprint } from '../report/markdown.js';
import { type RunContext, messageOf } from '../pipeline/run-context.js';

export interface Reviewed {
  readonly pull?: number;
  readonly fingerprint?: string;
  /** Why the reviewed plan could not be found: the apply is then refused unless unreviewed changes are allowed. */
  readonly problem?: string;
}

/** The fingerprint of the plan last posted on the PR the pushed commit came from. */
export async function reviewedFingerprint(ctx: RunContext): Promise<Reviewed> {
  const { octokit, secrets } = ctx.deps;
  const { owner, repo, sha } = ctx.settings.event;
  if (!octokit || !owner || !sha) return {};
  try {
    const pull = await findPullForCommit(octokit, owner, repo, sha);
    if (pull === undefined) return {};
    const comment = await findStickyComment(octokit, { owner, repo, issueNumber: pull, marker: commentMarker(ctx.settings.commentKey) });
    const fingerprint = comment ? readFingerprint(comment.body) : undefined;
    return fingerprint ? { pull, fingerprint } : { pull, problem: `Pull request #${pull} has no plan comment from this action (comment-key ${ctx.settings.commentKey}), so nothing was reviewed` };
  } catch (error) {
    return { problem: `The reviewed plan could not be read from the pull request: ${messageOf(error, secrets)}` };
  }
}
