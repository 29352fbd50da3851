/** The sticky plan comment on a pull request: written by plans, updated by applies, read by the review check. */
import { GitHubPermissionError } from '../github/errors.js';
import { upsertStickyComment } from '../github/sticky-comment.js';
import { commentMarker, legacyCommentMarker } from '../report/markdown.js';
import { scrub } from '../secrets.js';
import type { RunContext } from './run-context.js';

export async function postComment(ctx: RunContext, pullNumber: number, body: string): Promise<void> {
  const { settings, deps, out } = ctx;
  if (!deps.octokit) {
    out.warning('No github-token: the plan comment was not posted.');
    return;
  }
  try {
    const comment = await upsertStickyComment(deps.octokit, {
      owner: settings.event.owner,
      repo: settings.event.repo,
      issueNumber: pullNumber,
      marker: commentMarker(settings.commentKey),
      legacyMarkers: [legacyCommentMarker(settings.commentKey)],
      body: scrub(body, deps.secrets),
    });
    out.setOutput('comment-url', comment.url);
    out.info(`${comment.created ? 'posted' : 'updated'} the plan comment: ${comment.url}`);
  } catch (error) {
    if (error instanceof GitHubPermissionError) {
      out.warning(`Could not write the plan comment: ${error.message}`);
      return;
    }
    throw error;
  }
}
