/** Plan mode: report the plan (job summary, PR comment) and refuse what the settings forbid. */
import type { Plan } from '../model.js';
import { targetKey } from '../model.js';
import { hasChanges } from '../plan/plan.js';
import { plural } from '../report/format.js';
import { postComment } from '../pipeline/comment.js';
import { PULL_REQUEST_EVENTS, type RunContext, type RunResult, fail } from '../pipeline/run-context.js';
import type { Settings } from '../settings.js';
import { planChangeIds } from '../report/fingerprint.js';
import { commentMarker, renderComment, renderSummary } from '../report/markdown.js';

/** Why the plan may not go ahead (`allow-deletes: false` and a delete in the plan), if it may not. */
export function deletesRefusal(plan: Plan, settings: Pick<Settings, 'allowDeletes'>): string | undefined {
  if (settings.allowDeletes || plan.counts.delete === 0) return undefined;
  const deletes = plan.targets.flatMap((t) => t.items.filter((i) => i.action === 'delete').map((i) => `${i.name} in ${targetKey(t.target)}`));
  return `allow-deletes is false, but the plan deletes ${plural(plan.counts.delete, 'connector')}: ${deletes.join(', ')}. Make deletes a separate change.`;
}

/** Why the plan may not go ahead (`protect-in-use: true` and a delete of a connector running jobs use), if it may not. */
export function inUseRefusal(plan: Plan, settings: Pick<Settings, 'protectInUse'>): string | undefined {
  if (!settings.protectInUse) return undefined;
  const inUse = plan.targets.flatMap((t) =>
    t.items
      .filter((i) => i.action === 'delete')
      .flatMap((i) => {
        const running = (i.impact?.deployments ?? []).filter((d) => d.running > 0);
        return running.length > 0 ? [`${i.name} in ${targetKey(t.target)} (used by ${running.map((d) => `${d.name}, ${d.running} running`).join('; ')})`] : [];
      }),
  );
  if (inUse.length === 0) return undefined;
  return `protect-in-use is true, but the plan deletes ${plural(inUse.length, 'connector')} used by deployments with running jobs: ${inUse.join(', ')}. Their next restart would fail. Stop or move those jobs first, or set protect-in-use: false.`;
}

/**
 * Writes the summary and, on pull requests, the sticky comment; the comment shows the plan even
 * when it is refused, so reviewers see why, but carries no change ids: a refused plan reviews nothing.
 */
export async function reportPlan(ctx: RunContext, plan: Plan, fingerprint: string, refusal: string | undefined, postsComment: boolean): Promise<RunResult> {
  const { settings, out } = ctx;
  await out.summary(renderSummary({ plan, context: ctx.report, refusal }));
  const pullNumber = settings.event.pullNumber;
  if (postsComment && settings.comment && pullNumber !== undefined && PULL_REQUEST_EVENTS.has(settings.event.name)) {
    await postComment(ctx, pullNumber, renderComment({ plan, marker: commentMarker(settings.commentKey), fingerprint, changes: refusal ? [] : planChangeIds(plan), context: ctx.report, refusal }));
  }
  if (refusal) return fail(ctx, refusal);
  const result: RunResult = hasChanges(plan) ? 'planned' : 'no-op';
  out.setOutput('result', result);
  return result;
}
