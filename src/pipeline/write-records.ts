/** Writing the record of what an apply did, one deployment per target the plan touched. */
import { writeRecord } from '../github/deployments.js';
import { GitHubPermissionError } from '../github/errors.js';
import type { ApplyResult, LiveConnector, Plan } from '../model.js';
import { targetKey } from '../model.js';
import { isChange, isWorkspaceChange } from '../plan/plan.js';
import { RECORD_TASK, type TargetRecord, environmentOf, nextRecord, recordPayload, sameConnectors } from '../record/record.js';
import { oneLine } from '../report/escape.js';
import type { ConnectorApi } from '../ververica/connectors.js';
import { type RunContext, messageOf } from './run-context.js';

/**
 * Writes the record of each target the plan touched. Every target is tried, so one failure
 * does not leave the others stale; the problems are returned together.
 */
export async function writeRecords(ctx: RunContext, plan: Plan, api: ConnectorApi, records: Map<string, TargetRecord>, applied: ApplyResult): Promise<string[]> {
  const { octokit, secrets } = ctx.deps;
  const { out } = ctx;
  if (!octokit) return [];
  const { owner, repo, sha, runUrl } = ctx.settings.event;
  const scope = ctx.settings.commentKey;
  const problems: string[] = [];
  const problem = (key: string, error: unknown): void => {
    problems.push(
      error instanceof GitHubPermissionError
        ? `Could not record what was applied to ${key}: ${error.message}. Grant permissions: deployments: write to the apply job.`
        : `Could not record what was applied to ${key}: ${messageOf(error, secrets)}`,
    );
  };

  // First what each target holds now, then which targets the scope holds connectors in: every
  // record written names them all.
  const nexts: Array<{ tp: (typeof plan.targets)[number]; previous?: TargetRecord; next: TargetRecord }> = [];
  const held = new Set([...records.values()].filter((r) => Object.keys(r.connectors).length > 0).map((r) => `${r.workspaceId}/${r.namespace}`));
  for (const tp of plan.targets) {
    const key = targetKey(tp.target);
    try {
      const liveAfter: readonly LiveConnector[] = tp.items.some(isWorkspaceChange) ? await api.list(tp.target) : tp.items.flatMap((i) => (i.live ? [i.live] : []));
      const previous = records.get(key);
      const next = nextRecord(scope, [], tp, previous, applied.outcomes, liveAfter, sha);
      if (Object.keys(next.connectors).length > 0) held.add(key);
      else held.delete(key);
      nexts.push({ tp, previous, next });
    } catch (error) {
      problem(key, error);
    }
  }
  const scopeTargets = [...held].sort();

  for (const { tp, previous, next: draft } of nexts) {
    const key = targetKey(tp.target);
    const next = { ...draft, targets: scopeTargets };
    if (!tp.items.some(isChange) && sameConnectors(previous, next) && previous?.targets.join() === scopeTargets.join()) continue;
    const failed = applied.outcomes.some((o) => targetKey(o.target) === key && o.status !== 'done');
    try {
      await writeRecord(octokit, {
        owner,
        repo,
        environment: environmentOf(tp.target),
        ref: sha,
        task: RECORD_TASK,
        payload: recordPayload(next),
        state: failed ? 'failure' : 'success',
        logUrl: runUrl,
        description: `${Object.keys(next.connectors).length} connector(s) recorded${failed ? '; apply partly failed' : ''}`,
      });
      out.info(`recorded ${Object.keys(next.connectors).length} connector(s) for ${oneLine(`${key} (${environmentOf(tp.target)})`)}`);
    } catch (error) {
      problem(key, error);
    }
  }
  return problems;
}
