/** Apply mode: check the plan against the reviewed one, carry it out, record it and report. */
import { applyPlan } from '../apply/apply.js';
import { findPullForCommit } from '../github/pulls.js';
import type { ApplyResult, Plan } from '../model.js';
import { hasAnyChange, hasChanges } from '../plan/plan.js';
import { postComment } from '../pipeline/comment.js';
import { type RunContext, type RunResult, fail, messageOf } from '../pipeline/run-context.js';
import { markIntended, writeRecords } from '../pipeline/write-records.js';
import type { TargetRecord } from '../record/record.js';
import { escapeMessage } from '../report/escape.js';
import { commentMarker, renderComment, renderSummary } from '../report/markdown.js';
import { RECOVER_FROM_REFUSAL, renderRefusedApply } from '../report/summaries.js';
import { renderApplyText } from '../report/text.js';
import type { ConnectorApi, UsageApi, ValidationApi } from '../ververica/connectors.js';
import { reportVerification } from '../pipeline/verification.js';
import { readImpact } from '../pipeline/impact.js';
import { type ReviewCheck, checkReviewed, staleness } from './review.js';

/**
 * The plan as reported after the apply: with the impact of the replaces and deletes that were
 * done, read now (the plan does not read it again when applying), so the comment can name the
 * jobs that pick up a new JAR only when restarted. An unreadable impact is a note, never a failure.
 */
async function withImpactAfterApply(ctx: RunContext, plan: Plan, applied: ApplyResult, api: UsageApi): Promise<Plan> {
  const done = applied.outcomes.some((o) => o.status === 'done' && (o.action === 'replace' || o.action === 'delete'));
  if (!ctx.settings.impact || !done) return plan;
  ctx.out.startGroup('Read who uses the replaced and deleted connectors');
  try {
    return await readImpact(plan, api, { parallelism: ctx.settings.parallelism, scanLimit: ctx.settings.impactScanLimit });
  } catch (error) {
    ctx.out.info(`impact not read: ${messageOf(error, ctx.deps.secrets)}`);
    return plan;
  } finally {
    ctx.out.endGroup();
  }
}

export async function applyMode(ctx: RunContext, plan: Plan, fingerprint: string, api: ConnectorApi & UsageApi & ValidationApi, records: Map<string, TargetRecord> | undefined): Promise<RunResult> {
  const { settings, deps, out } = ctx;
  // An older commit never goes over a newer one; a history that cannot be followed is refused too,
  // unless told otherwise.
  const stale = records ? await staleness(ctx, records) : undefined;
  if (stale && (stale.newer || !settings.allowUnreviewedChanges)) {
    const how = stale.newer
      ? 'To go back to an earlier state, revert on the default branch: that apply is reviewed like any other.'
      : 'If this commit is the one to apply, run it once with allow-unreviewed-changes: true.';
    await out.summary(`### Flink connectors: apply refused\n\n${escapeMessage(`${stale.message}. Nothing was changed. ${how}`, 5000)}\n\n${renderSummary({ plan, context: ctx.report })}`);
    return fail(ctx, `${stale.message}. Nothing was changed. ${how}`);
  }
  if (stale) out.warning(`${stale.message}. Applying anyway (allow-unreviewed-changes: true).`);
  // Apply == reviewed, whatever the event and whether comments are on: every change must be in
  // the reviewed set (see review.ts). Waiting for GitHub to list the merged PR is worth it only
  // when a refusal would follow.
  const check: ReviewCheck | undefined = hasAnyChange(plan) ? await checkReviewed(ctx, plan, fingerprint, records, !settings.allowUnreviewedChanges) : undefined;
  for (const line of check?.log ?? []) out.info(line);
  if (check && (check.problem || check.unreviewed.length > 0)) {
    const why = check.problem ?? `${check.unreviewed.length} planned change(s) are not in the reviewed set (compared with ${check.compared ?? 'the plans shown on the pull requests merged since the last apply'})`;
    const message = `${why}. Not reviewed: ${check.unreviewed.join(', ')}.`;
    if (!settings.allowUnreviewedChanges) {
      await out.summary(renderRefusedApply(message, { plan, context: ctx.report }));
      return fail(ctx, `${message} Nothing was applied. ${RECOVER_FROM_REFUSAL}`);
    }
    out.warning(`${message} Applying anyway (allow-unreviewed-changes: true).`);
  }

  let applied: ApplyResult = { outcomes: [], ok: true };
  const unmarked = records && hasChanges(plan) ? await markIntended(ctx, plan, records) : undefined;
  if (unmarked) return fail(ctx, unmarked);
  if (hasAnyChange(plan)) {
    out.startGroup('Apply');
    applied = await applyPlan(plan, api, {
      parallelism: settings.parallelism,
      timeoutMs: settings.timeoutMs,
      settleMs: settings.settleMs,
      clock: deps.clock,
      recheck: true,
      ...(settings.verify && { verify: { api, limit: settings.verifyLimit, scanLimit: settings.impactScanLimit } }),
      log: { info: (m) => out.info(m), warning: (m) => out.warning(m), progress: out.progress && ((t, m) => out.progress?.(t, m)) },
    });
    out.endGroup();
    // Each finished change was logged as it happened; the result repeats only what did not finish.
    // The `Apply:` line stays outside the group, so it is visible without opening it.
    const lines = renderApplyText(applied, { unfinishedOnly: true }).split('\n');
    if (lines.length > 1) {
      out.startGroup('Result');
      out.info(lines.slice(0, -1).join('\n'));
      out.endGroup();
    }
    out.info(lines[lines.length - 1] ?? '');
    // Each outcome row shows its verification; plan-json gets it per change.
    if (settings.verify) reportVerification(out, plan, applied);
  } else {
    out.info('Nothing to apply.');
  }

  const recordProblems = records ? await writeRecords(ctx, plan, api, records, applied) : [];
  const reported = await withImpactAfterApply(ctx, plan, applied, api);
  await out.summary(renderSummary({ plan: reported, context: ctx.report, applied }));

  const pull = check?.pull ?? (settings.event.name !== 'push' && settings.comment && deps.octokit && settings.event.sha ? await findPullForCommit(deps.octokit, settings.event.owner, settings.event.repo, settings.event.sha).catch(() => undefined) : undefined);
  if (settings.comment && pull !== undefined) {
    try {
      await postComment(ctx, pull, renderComment({ plan: reported, marker: commentMarker(settings.commentKey), fingerprint, changes: check?.shown, context: ctx.report, applied }));
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
