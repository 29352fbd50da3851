/** Writing the record of what an apply did, one deployment per target the plan touched. */
import { type RecordInput, writeRecord } from '../github/deployments.js';
import { GitHubPermissionError } from '../github/errors.js';
import type { ApplyResult, LiveConnector, Plan } from '../model.js';
import { targetKey } from '../model.js';
import { isChange, isWorkspaceChange } from '../plan/plan.js';
import { RECORD_TASK, RECORD_VERSION, type TargetRecord, environmentOf, indexEnvironmentOf, intendedRecord, nextRecord, recordPayload, reviewBase, sameConnectors } from '../record/record.js';
import { oneLine } from '../report/escape.js';
import { scrub, scrubValue } from '../secrets.js';
import { indexedTargets } from './records.js';
import type { ConnectorApi } from '../ververica/connectors.js';
import { type RunContext, messageOf } from './run-context.js';

/** Waits between attempts to write a record after a mutation: the record must not fall behind the workspace. */
export const RECORD_WRITE_BACKOFF_MS: readonly number[] = [1_000, 3_000];

/** A record write, tried again after a failure GitHub may get over (a refusal of permission is not). */
async function writeWithRetry(ctx: RunContext, write: Pick<RecordInput, 'environment' | 'payload' | 'state' | 'description'>): Promise<void> {
  const { octokit } = ctx.deps;
  if (!octokit) return;
  const { owner, repo, sha, runUrl } = ctx.settings.event;
  // What a record stores is shown to everyone who can read the repository: no credential goes in.
  const input: RecordInput = { owner, repo, ref: sha, task: RECORD_TASK, logUrl: runUrl, ...write, payload: scrubValue(write.payload, ctx.deps.secrets), description: scrub(write.description, ctx.deps.secrets) };
  for (let attempt = 0; ; attempt++) {
    try {
      await writeRecord(octokit, input);
      return;
    } catch (error) {
      const wait = RECORD_WRITE_BACKOFF_MS[attempt];
      if (wait === undefined || error instanceof GitHubPermissionError) throw error;
      ctx.out.warning(`Writing the record of ${input.environment} failed (${messageOf(error, ctx.deps.secrets)}); trying again.`);
      await ctx.deps.clock.sleep(wait);
    }
  }
}

/**
 * Writes the record of each target the plan touched. Every target is tried, so one failure
 * does not leave the others stale; the problems are returned together.
 */
export async function writeRecords(ctx: RunContext, plan: Plan, api: ConnectorApi, records: Map<string, TargetRecord>, applied: ApplyResult): Promise<string[]> {
  const { octokit, secrets } = ctx.deps;
  const { out } = ctx;
  if (!octokit) return [];
  const { sha } = ctx.settings.event;
  const scope = ctx.settings.commentKey;
  const problems: string[] = [];
  const problem = (key: string, error: unknown): void => {
    // A refused write's message already names the permission to grant.
    problems.push(`Could not record what was applied to ${key}: ${messageOf(error, secrets)}`);
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
      // An apply that did not finish leaves reviewed changes to do: they still count from where it started.
      const unfinished = applied.outcomes.some((o) => targetKey(o.target) === key && o.status !== 'done');
      const since = unfinished ? (reviewBase(previous) ?? ctx.settings.event.before) : undefined;
      const next = nextRecord(scope, [], tp, previous, applied.outcomes, liveAfter, sha, since);
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
    if (!tp.items.some(isChange) && !previous?.pending && sameConnectors(previous, next) && previous?.targets.join() === scopeTargets.join()) continue;
    const failed = applied.outcomes.some((o) => targetKey(o.target) === key && o.status !== 'done');
    try {
      await writeWithRetry(ctx, {
        environment: environmentOf(tp.target),
        payload: recordPayload(next),
        state: failed ? 'failure' : 'success',
        description: `${Object.keys(next.connectors).length} connector(s) recorded${failed ? '; apply partly failed' : ''}`,
      });
      out.info(`recorded ${Object.keys(next.connectors).length} connector(s) for ${oneLine(`${key} (${environmentOf(tp.target)})`)}`);
    } catch (error) {
      problem(key, error);
    }
  }
  // The index names the targets a plan would not find otherwise (all but the default one); written
  // only when that set changes.
  const defaultKey = `${ctx.settings.defaultWorkspaceId}/${ctx.settings.defaultNamespace}`;
  const indexed = scopeTargets.filter((t) => t !== defaultKey);
  if (nexts.length > 0 && indexed.join() !== indexedTargets(records).join()) {
    try {
      await writeWithRetry(ctx, {
        environment: indexEnvironmentOf(scope),
        payload: { version: RECORD_VERSION, kind: 'index', scope, targets: indexed },
        state: 'success',
        description: `index: ${indexed.length} target(s) besides the default one`,
      });
    } catch (error) {
      problem(`the index of ${scope}`, error);
    }
  }
  return problems;
}

/**
 * Before the workspace is changed: a record per target naming the changes about to be made, so a
 * run that cannot record the outcome leaves a record the next run can read as "behind the
 * workspace" instead of repeating the changes. Returns the problem that must stop the apply, if any.
 */
export async function markIntended(ctx: RunContext, plan: Plan, records: Map<string, TargetRecord>): Promise<string | undefined> {
  for (const tp of plan.targets) {
    if (!tp.items.some(isWorkspaceChange)) continue;
    const key = targetKey(tp.target);
    const intended = intendedRecord(ctx.settings.commentKey, tp, records.get(key), ctx.settings.event.before);
    try {
      await writeWithRetry(ctx, {
        environment: environmentOf(tp.target),
        payload: recordPayload(intended),
        state: 'in_progress',
        description: `applying ${Object.keys(intended.pending ?? {}).length} change(s)`,
      });
    } catch (error) {
      return `Could not mark the intended changes in the record of ${key} (${messageOf(error, ctx.deps.secrets)}), so nothing was changed: without it a failure to record the outcome would make the next run repeat them.`;
    }
  }
  return undefined;
}
