/**
 * Check mode (drift detection, e.g. on a schedule): plan, report drift through the `drift` output,
 * the job summary and one issue per key. A check never changes the workspace or the record.
 */
import { type DriftIssueResult, reportConverged, reportDrift } from '../github/drift-issue.js';
import { GitHubPermissionError } from '../github/errors.js';
import type { Plan } from '../model.js';
import { type RunContext, type RunResult, fail, messageOf } from '../pipeline/run-context.js';
import { convergedComment, driftAgainComment, driftChangedComment, driftSetHash, driftTitle, driftedConnectors, duplicateComment, readDriftSet, renderDriftIssueBody } from '../report/drift.js';
import { oneLine } from '../report/escape.js';
import { plural } from '../report/format.js';
import { commentMarker, renderSummary } from '../report/markdown.js';

/**
 * Opens, updates or closes the drift issue. Any failure (a refusal, issues turned off, GitHub down
 * after retries) is a warning: the issue is one channel, the outputs and summary still report.
 */
async function syncIssue(ctx: RunContext, plan: Plan, drifted: readonly string[]): Promise<DriftIssueResult | undefined> {
  const { settings, deps, out } = ctx;
  if (!deps.octokit) {
    out.warning('No github-token: the drift issue was not updated.');
    return undefined;
  }
  const query = { owner: settings.event.owner, repo: settings.event.repo, marker: commentMarker(settings.commentKey) };
  try {
    if (drifted.length === 0) return await reportConverged(deps.octokit, query, convergedComment(ctx.report));
    return await reportDrift(deps.octokit, query, {
      title: driftTitle(settings.commentKey),
      body: renderDriftIssueBody({ plan, marker: query.marker, context: ctx.report, drifted }),
      setOf: readDriftSet,
      set: driftSetHash(drifted),
      changedComment: driftChangedComment(drifted, ctx.report),
      againComment: driftAgainComment(drifted, ctx.report),
      duplicateComment,
    });
  } catch (error) {
    out.warning(`Could not update the drift issue: ${oneLine(error instanceof GitHubPermissionError ? error.message : messageOf(error, deps.secrets), 1000)}`);
    return undefined;
  }
}

export async function checkMode(ctx: RunContext, plan: Plan): Promise<RunResult> {
  const { settings, out } = ctx;
  const drifted = driftedConnectors(plan);
  const drift = drifted.length > 0;
  out.setOutput('drift', String(drift));
  out.info(drift ? `drift: ${plural(drifted.length, 'connector')}: ${oneLine(drifted.join(', '), 2000)}` : 'drift: none');

  const issue = settings.driftIssue ? await syncIssue(ctx, plan, drifted) : undefined;
  out.setOutput('issue-url', issue?.url ?? '');
  const action = issue?.action === 'left-closed' ? 'left closed (a person closed it as not planned; it reopens when the drifted set changes)' : issue?.action;
  if (issue?.number !== undefined) out.info(`drift issue #${issue.number}: ${action}${issue.url ? ` (${oneLine(issue.url)})` : ''}`);

  const headline = drift ? `**Drift:** ${plural(drifted.length, 'connector')} no longer match the definitions.` : 'No drift: the workspace matches the definitions.';
  const issueLine = issue?.number !== undefined ? ` Drift issue #${issue.number}: ${action}.` : '';
  await out.summary(`### Flink connectors: drift check\n\n${headline}${issueLine}\n\n${renderSummary({ plan, context: ctx.report })}`);

  if (drift && settings.failOnDrift) return fail(ctx, `Drift found (fail-on-drift: true): ${plural(drifted.length, 'connector')} no longer match the definitions.`);
  const result: RunResult = drift ? 'planned' : 'no-op';
  out.setOutput('result', result);
  return result;
}
