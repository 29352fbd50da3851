/** The sticky plan comment on a pull request: written by plans, updated by applies, read by the review check. */
import * as core from '@actions/core';
import { GitHubPermissionError } from '../github/errors.js';
import { upsertStickyComment } from '../github/sticky-comment.js';
import { commentMarker } from '../report/markdown.js';
import type { RunContext } from './run-context.js';

export async function postComment(ctx: RunContext, pullNumber: number, body: string): Promise<void> {
  const { settings, deps } = ctx;
  if (!deps.octokit) {
    core.warning('No github-token: the plan comment was not posted.');
    return;
  }
  try {
    const comment = await upsertStickyComment(deps.octokit, {
      owner: settings.event.owner,
      repo: settings.event.repo,
      issueNumber: pullNumber,
      marker: commentMarker(settings.commentKey),
      body,
    });
    core.setOutput('comment-url', comment.url);
    core.info(`${comment.created ? 'posted' : 'updated'} the plan comment: ${comment.url}`);
  } catch (error) {
    if (error instanceof GitHubPermissionError) {
      core.warning(`Could not write the plan comment: ${error.message}`);
      return;
    }
    throw error;
  }
}
