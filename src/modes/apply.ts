/** Apply mode: check the plan against the reviewed one, carry it out, record it and report. */
import { applyPlan } from '../apply/apply.js';
import { findPullForCommit } from '../github/pulls.js';
import type { ApplyResult, Plan } from '../model.js';
import { targetKey } from '../model.js';
import { hasAnyChange, isChange } from '../plan/plan.js';
import { postComment } from '../pipeline/comment.js';
import { type RunContext, type RunResult, fail, messageOf } from '../pipeline/run-context.js';
import { writeRecords } from '../pipeline/write-records.js';
import type { TargetRecord } from '../record/record.js';
import { escapeMarkdown } from '../report/escape.js';
import { commentMarker, renderComment, renderSummary } from '../report/markdown.js';
import { renderApplyText } from '../report/text.js';
import type { ConnectorApi } from '../ververica/connectors.js';
import { type Reviewed, reviewedFingerprint } from './review.js';

/** Why the plan may not be applied as reviewed, or undefined when it may. */
function unreviewedReason(reviewed: Reviewed, fingerprint: string): string | undefined {
  if (reviewed.problem) return reviewed.problem;
  if (reviewed.fingerprint && reviewed.fingerprint !== fingerprint) {
    return `The plan differs from the one reviewed on pull request #${reviewed.pull}: something changed since (in the workspace or on the default branch)`;
  }
  return undefined;
}

export async function applyMode(ctx: RunContext, plan: Plan, fingerprint: string, api: ConnectorApi, records: Map<string, TargetRecord> | undefined): Promise<RunResult> {
  const { settings, deps, out } = ctx;
  // Apply == reviewed: the plan now must be the plan approved on the merged pull request. The
  // check needs the PR comment, so it runs when comments are on; a push with no PR has nothing to
  // compare with and is applied as planned.
  const reviewed = settings.event.name === 'push' && settings.comment && hasAnyChange(plan) ? await reviewedFingerprint(ctx) : {};
  const unreviewed = unreviewedReason(reviewed, fingerprint);
  if (unreviewed) {
    const changes = plan.targets.flatMap((t) => t.items.filter(isChange).map((i) => `${i.action} ${i.name} in ${targetKey(t.target)}`));
    const message = `${unreviewed}. Planned now: ${changes.join(', ')}.`;
    if (!settings.allowUnreviewedChanges) {
      await out.summary(`### Flink connectors: apply refused\n\n${escapeMarkdown(message, 5000)}\n\nRe-run the plan on a pull request and review it, or set allow-unreviewed-changes: true.\n\n${renderSummary({ plan, context: ctx.report })}`);
      return fail(ctx, `${message} Nothing was applied.`);
    }
    out.warning(`${message} Applying anyway (allow-unreviewed-changes: true).`);
  }

  let applied: ApplyResult = { outcomes: [], ok: true };
  if (hasAnyChange(plan)) {
    out.startGroup('Apply');
    applied = await applyPlan(plan, api, {
      parallelism: settings.parallelism,
      timeoutMs: settings.timeoutMs,
      clock: deps.clock,
      recheck: true,
      log: { info: (m) => out.info(m), warning: (m) => out.warning(m), progress: out.progress && ((t, m) => out.progress?.(t, m)) },
    });
    out.endGroup();
    // Each finished change was logged as it happened; the result repeats only what did not finish.
    out.startGroup('Result');
    out.info(renderApplyText(applied, { unfinishedOnly: true }));
    out.endGroup();
  } else {
    out.info('Nothing to apply.');
  }

  const recordProblems = records ? await writeRecords(ctx, plan, api, records, applied) : [];
  await out.summary(renderSummary({ plan, context: ctx.report, applied }));

  const pull = reviewed.pull ?? (settings.event.name !== 'push' && settings.comment && deps.octokit && settings.event.sha ? await findPullForCommit(deps.octokit, settings.event.owner, settings.event.repo, settings.event.sha).catch(() => undefined) : undefined);
  if (settings.comment && pull !== undefined) {
    try {
      await postComment(ctx, pull, renderComment({ plan, marker: commentMarker(settings.commentKey), fingerprint, context: ctx.report, applied }));
    } catch (error) {
      out.warning(`Could not report the result on the pull request: ${messageOf(error, deps.secrets)}`);
    }
  }

  const result: RunResult = !applied.ok || recordProblems.length > 0 ? 'failed' : hasAnyChange(plan) ? 'applied' : 'no-op';
  out.setOutput('result', result);
  const problems: string[] = [];
  if (!applied.ok) {
    const failed = applied.outcomes.filter((o) => o.status !== 'done');
    problems.push(`Apply failed for ${failed.length} connector${failed.length === 1 ? '' : 's'}: ${failed.map((o) => `${o.name} (${o.message ?? o.status})`).join('; ')}`);
  }
  problems.push(...recordProblems);
  if (problems.length > 0) out.setFailed(problems.join('\n'));
  return result;
}
