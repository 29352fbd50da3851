/** Reading the record of applied connectors (GitHub deployments) for the job's scope. */
import { readLatestAcceptedRecord } from '../github/deployments.js';
import type { DesiredConnector, LiveConnector, Target } from '../model.js';
import { targetFromKey, targetKey } from '../model.js';
import { targetsOf } from '../plan/plan.js';
import { RECORD_TASK, type TargetRecord, environmentOf, indexEnvironmentOf, parseIndex, parseRecord, settleMarks } from '../record/record.js';
import { oneLine } from '../report/escape.js';
import type { Reporter } from './reporter.js';
import type { RunContext } from './run-context.js';

/** What the scope's index named when the records were read (see `indexEnvironmentOf`). */
const indexes = new WeakMap<ReadonlyMap<string, TargetRecord>, readonly string[]>();

/** The targets the scope's index named when `records` were read (empty when there was none). */
export function indexedTargets(records: ReadonlyMap<string, TargetRecord>): readonly string[] {
  return indexes.get(records) ?? [];
}

/**
 * The record per target (keyed by `targetKey`), or undefined when the record is not in use.
 * Reads the newest record of each declared target (and the default one), then of every target
 * those records name: one call per target, however long the history.
 */
export async function readRecords(ctx: RunContext, desired: readonly DesiredConnector[]): Promise<Map<string, TargetRecord> | undefined> {
  const { settings, deps, out } = ctx;
  if (!settings.record) return undefined;
  // An Octokit exists only with a token and a repository (see start.ts).
  const { octokit } = deps;
  if (!octokit) {
    out.warning(`The record of applied connectors is not available (no ${settings.githubAccess}): JAR changes and removed files cannot be detected in this run.`);
    return undefined;
  }
  const { owner, repo } = settings.event;
  const scope = settings.commentKey;
  const { defaultWorkspaceId, defaultNamespace } = settings;
  const pending = new Map<string, Target>(targetsOf(desired).map((t) => [targetKey(t), t]));
  if (defaultWorkspaceId && defaultNamespace) pending.set(`${defaultWorkspaceId}/${defaultNamespace}`, { workspaceId: defaultWorkspaceId, namespace: defaultNamespace });
  const index = await readLatestAcceptedRecord(octokit, { owner, repo, environment: indexEnvironmentOf(scope), task: RECORD_TASK, accept: (payload) => parseIndex(payload, scope) !== undefined });
  const indexed = index ? (parseIndex(index.payload, scope) ?? []) : [];
  for (const key of indexed) {
    const target = targetFromKey(key);
    if (target) pending.set(key, target);
  }
  const seen = new Set<string>();
  const records = new Map<string, TargetRecord>();
  while (pending.size > 0) {
    const batch = [...pending.entries()];
    pending.clear();
    for (const [key] of batch) seen.add(key);
    const found = await Promise.all(
      batch.map(async ([key, target]) => {
        const stored = await readLatestAcceptedRecord(octokit, {
          owner,
          repo,
          environment: environmentOf(target),
          task: RECORD_TASK,
          accept: (payload) => (payload as { scope?: unknown } | null)?.scope === scope,
        });
        return [key, stored && parseRecord(stored.payload, target, scope, stored.sha)] as const;
      }),
    );
    for (const [key, record] of found) {
      if (!record) continue;
      records.set(key, record);
      for (const other of record.targets) {
        const target = targetFromKey(other);
        if (target && !seen.has(other)) pending.set(other, target);
      }
    }
  }
  out.info(`record: ${records.size} target(s) with applied connectors`);
  indexes.set(records, indexed);
  return records;
}

/**
 * Reads each record that still marks changes whose outcome was never recorded against what its
 * target lists now (see `settleMarks`), in place, and says what was decided.
 */
export function settleRecordMarks(out: Reporter, records: Map<string, TargetRecord>, observed: ReadonlyMap<string, readonly LiveConnector[]>): void {
  for (const [key, record] of records) {
    const live = observed.get(key);
    if (!record.pending || !live) continue;
    const { record: settled, notes } = settleMarks(record, live);
    records.set(key, settled);
    const commit = record.sha ? record.sha.slice(0, 7) : 'an earlier commit';
    out.warning(
      oneLine(
        `The record of ${key} ends with changes the apply of ${commit} marked before changing the workspace, but whose outcome it never recorded (the run was interrupted, or the record could not be written). Decided from what is listed now: ${notes.join('; ')}.`,
        4000,
      ),
    );
  }
}
