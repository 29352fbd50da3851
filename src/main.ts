/**
 * The orchestrator: load → observe → plan → report | apply | export. The only module that decides
 * the run's exit status. Collaborators with side effects arrive through `Dependencies`.
 */
import * as core from '@actions/core';
import { applyPlan } from './apply/apply.js';
import type { Clock } from './apply/ports.js';
import { loadDefinitions } from './definitions/validate.js';
import type { readDefinitionFiles } from './definitions/files.js';
import { exportDefinitions } from './export/export.js';
import type { Octokit } from './github/client.js';
import { readLatestAcceptedRecord, writeRecord } from './github/deployments.js';
import { GitHubPermissionError } from './github/errors.js';
import { findPullForCommit } from './github/pulls.js';
import { findStickyComment, upsertStickyComment } from './github/sticky-comment.js';
import type { ApplyResult, DefinitionError, DesiredConnector, LiveConnector, Plan, Target } from './model.js';
import { targetFromKey, targetKey } from './model.js';
import { observe } from './observe.js';
import { type RunResult, setPlanOutputs, setResult, writeSummary } from './outputs.js';
import { buildPlan, hasAnyChange, hasChanges, isChange, isWorkspaceChange, targetsOf } from './plan/plan.js';
import { RECORD_TASK, type TargetRecord, environmentOf, nextRecord, parseRecord, sameConnectors } from './record/record.js';
import { escapeMarkdown, oneLine } from './report/escape.js';
import { planFingerprint } from './report/fingerprint.js';
import { type ReportContext, commentMarker, readFingerprint, renderComment, renderSummary } from './report/markdown.js';
import { renderApplyText, renderPlanText } from './report/text.js';
import { scrub } from './secrets.js';
import type { Settings } from './settings.js';
import type { ConnectorApi } from './ververica/connectors.js';

export interface Dependencies {
  readonly settings: Settings;
  /** Built only once the definitions are valid, so bad input never reaches the API. */
  readonly connectorApi: () => Promise<ConnectorApi>;
  /** Absent when there is no token or no repository to talk to. */
  readonly octokit?: Octokit;
  readonly readDefinitionFiles: typeof readDefinitionFiles;
  /** Writes files under the repository root (for `command: export`). */
  readonly writeFiles: (files: ReadonlyArray<{ path: string; content: string }>) => Promise<void>;
  readonly clock: Clock;
  /** Values to scrub from messages; grows when sign-in obtains credentials. */
  readonly secrets: readonly string[];
}

export type Mode = 'plan' | 'apply' | 'export';
export type { RunResult } from './outputs.js';

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);
const SCHEMA_REF = 'https://raw.githubusercontent.com/flink-connector-action/flink-connector-action/v1/schema/connector-definitions.schema.json';

/** What this event asks for. Apply never runs on pull-request events, whatever `command` says. */
export function modeFor(settings: Pick<Settings, 'command' | 'event'>): { mode: Mode; note?: string } {
  const { command, event } = settings;
  if (PULL_REQUEST_EVENTS.has(event.name)) {
    return command === 'apply' ? { mode: 'plan', note: `command: apply is ignored on ${event.name} events; planning instead.` } : { mode: command === 'export' ? 'export' : 'plan' };
  }
  if (command !== 'auto') return { mode: command };
  if (event.name === 'push' && event.pushToDefaultBranch) return { mode: 'apply' };
  return { mode: 'plan' };
}

function annotateDefinitionErrors(errors: readonly DefinitionError[]): void {
  for (const e of errors) {
    core.error(e.message, { title: 'Invalid connector definition', file: e.location.file, startLine: e.location.line, startColumn: e.location.column });
  }
}

function definitionErrorsMarkdown(errors: readonly DefinitionError[]): string {
  const rows = errors.map((e) => `- \`${escapeMarkdown(e.location.file)}:${e.location.line}\`: ${escapeMarkdown(e.message, 1000)}`);
  return `### Flink connectors: invalid definitions\n\n${errors.length} problem${errors.length === 1 ? '' : 's'} found; nothing was sent to the API.\n\n${rows.join('\n')}\n`;
}

function annotatePlan(plan: Plan): void {
  for (const t of plan.targets) {
    for (const item of t.items) {
      const location = item.desired?.location;
      if (!location) continue;
      const props = { file: location.file, startLine: location.line, title: `Flink connector ${item.action}` };
      if (item.action === 'delete') core.warning(`${item.name} in ${targetKey(t.target)} will be deleted: ${item.reason}`, props);
      if (item.action === 'replace') {
        core.warning(`${item.name} in ${targetKey(t.target)} will be replaced (deleted, then registered): ${[item.reason, ...(item.differences ?? [])].join('; ')}`, props);
      }
    }
  }
  for (const w of plan.warnings) {
    if (w.location) core.notice(w.message, { file: w.location.file, startLine: w.location.line, title: 'Flink connector plan' });
    else core.info(`note: ${w.message}`);
  }
}

function fail(message: string): RunResult {
  setResult('failed');
  core.setFailed(message);
  return 'failed';
}

const messageOf = (error: unknown, secrets: readonly string[]): string => scrub(error instanceof Error ? error.message : String(error), secrets);

class Run {
  private readonly settings: Settings;
  readonly context: ReportContext;

  constructor(private readonly deps: Dependencies) {
    this.settings = deps.settings;
    const e = deps.settings.event;
    this.context = { sha: e.sha, runUrl: e.runUrl, time: new Date(deps.clock.now()), eventName: e.name };
  }

  async loadDefinitions(): Promise<DesiredConnector[] | undefined> {
    const { settings } = this;
    core.startGroup('Load definitions');
    const read = await this.deps.readDefinitionFiles([...settings.definitions], settings.root);
    for (const w of read.warnings) core.warning(w);
    const loaded = loadDefinitions(read.files, { workspaceId: settings.defaultWorkspaceId, namespace: settings.defaultNamespace });
    const errors = [...read.errors, ...loaded.errors];
    core.info(`${read.files.length} file(s), ${loaded.connectors.length} connector(s), ${errors.length} error(s)`);
    core.endGroup();
    if (errors.length === 0) return loaded.connectors;
    annotateDefinitionErrors(errors);
    await writeSummary(definitionErrorsMarkdown(errors));
    return undefined;
  }

  /**
   * The record per target (keyed by `targetKey`), or undefined when the record is not in use.
   * Reads the newest record of each declared target (and the default one), then of every target
   * those records name: one call per target, however long the history.
   */
  async readRecords(desired: readonly DesiredConnector[]): Promise<Map<string, TargetRecord> | undefined> {
    if (!this.settings.record) return undefined;
    // An Octokit exists only with a token and a repository (see start.ts).
    const { octokit } = this.deps;
    if (!octokit) {
      core.warning('The record of applied connectors is not available (no github-token or repository): JAR changes and removed files cannot be detected in this run.');
      return undefined;
    }
    const { owner, repo } = this.settings.event;
    const scope = this.settings.commentKey;
    const { defaultWorkspaceId, defaultNamespace } = this.settings;
    const pending = new Map<string, Target>(targetsOf(desired).map((t) => [targetKey(t), t]));
    if (defaultWorkspaceId && defaultNamespace) pending.set(`${defaultWorkspaceId}/${defaultNamespace}`, { workspaceId: defaultWorkspaceId, namespace: defaultNamespace });
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
          return [key, stored && parseRecord(stored.payload, target, scope)] as const;
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
    core.info(`record: ${records.size} target(s) with applied connectors`);
    return records;
  }

  async plan(desired: DesiredConnector[], api: ConnectorApi, records: Map<string, TargetRecord> | undefined): Promise<Plan> {
    const { settings } = this;
    const plannedTargets = targetsOf(desired, records);
    core.startGroup(`Read ${plannedTargets.length} target(s)`);
    const observed = await observe(plannedTargets, api, settings.parallelism);
    for (const t of plannedTargets) core.info(`${oneLine(targetKey(t))}: ${observed.get(targetKey(t))?.length ?? 0} connector(s) live`);
    core.endGroup();
    const plan = buildPlan(desired, observed, { prune: settings.prune, records });
    core.startGroup('Plan');
    core.info(renderPlanText(plan));
    core.endGroup();
    annotatePlan(plan);
    setPlanOutputs(plan);
    return plan;
  }

  async postComment(pullNumber: number, body: string): Promise<void> {
    const { settings } = this;
    if (!this.deps.octokit) {
      core.warning('No github-token: the plan comment was not posted.');
      return;
    }
    try {
      const comment = await upsertStickyComment(this.deps.octokit, {
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

  /** The fingerprint of the plan last posted on the PR the pushed commit came from. */
  /**
   * The fingerprint of the plan last posted on the PR the pushed commit came from. `problem` says
   * why it could not be checked: then the apply is refused unless unreviewed changes are allowed.
   */
  async reviewedFingerprint(): Promise<{ pull?: number; fingerprint?: string; problem?: string }> {
    const { octokit } = this.deps;
    const { owner, repo, sha } = this.settings.event;
    if (!octokit || !owner || !sha) return {};
    try {
      const pull = await findPullForCommit(octokit, owner, repo, sha);
      if (pull === undefined) return {};
      const comment = await findStickyComment(octokit, { owner, repo, issueNumber: pull, marker: commentMarker(this.settings.commentKey) });
      const fingerprint = comment ? readFingerprint(comment.body) : undefined;
      return fingerprint ? { pull, fingerprint } : { pull, problem: `Pull request #${pull} has no plan comment from this action (comment-key ${this.settings.commentKey}), so nothing was reviewed` };
    } catch (error) {
      return { problem: `The reviewed plan could not be read from the pull request: ${messageOf(error, this.deps.secrets)}` };
    }
  }

  /**
   * Writes the record of each target the plan touched. Every target is tried, so one failure
   * does not leave the others stale; the problems are returned together.
   */
  async writeRecords(plan: Plan, api: ConnectorApi, records: Map<string, TargetRecord>, applied: ApplyResult): Promise<string[]> {
    const { octokit } = this.deps;
    if (!octokit) return [];
    const { owner, repo, sha, runUrl } = this.settings.event;
    const scope = this.settings.commentKey;
    const problems: string[] = [];
    const problem = (key: string, error: unknown): void => {
      problems.push(
        error instanceof GitHubPermissionError
          ? `Could not record what was applied to ${key}: ${error.message}. Grant permissions: deployments: write to the apply job.`
          : `Could not record what was applied to ${key}: ${messageOf(error, this.deps.secrets)}`,
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
          payload: { ...next },
          state: failed ? 'failure' : 'success',
          logUrl: runUrl,
          description: `${Object.keys(next.connectors).length} connector(s) recorded${failed ? '; apply partly failed' : ''}`,
        });
        core.info(`recorded ${Object.keys(next.connectors).length} connector(s) for ${oneLine(`${key} (${environmentOf(tp.target)})`)}`);
      } catch (error) {
        problem(key, error);
      }
    }
    return problems;
  }
}

/** Runs the action. Returns the `result` output; throws only for unexpected failures. */
export async function run(deps: Dependencies): Promise<RunResult> {
  const { settings } = deps;
  const { mode, note } = modeFor(settings);
  if (note) core.warning(note);
  core.info(`flink-connector-action: ${mode} (event ${settings.event.name}, command ${settings.command})`);
  const r = new Run(deps);

  const desired = await r.loadDefinitions();
  if (!desired) {
    return fail('The connector definitions have problems (see the annotations); nothing was sent to the API.');
  }

  // A fork's pull request gets no secrets and no ID token, whatever the workflow says.
  if (PULL_REQUEST_EVENTS.has(settings.event.name) && (settings.event.fromFork || !settings.credentialsAvailable)) {
    const why = settings.event.fromFork ? 'this pull request comes from a fork, which gets no secrets' : 'no credentials were given';
    const text = `Validation only: ${desired.length} connector definition(s) are valid. No plan was made because ${why}.`;
    core.warning(text);
    await writeSummary(`### Flink connectors: validation only\n\n${text}\n`);
    setResult('no-op');
    return 'no-op';
  }

  let records: Map<string, TargetRecord> | undefined;
  try {
    records = await r.readRecords(desired);
  } catch (error) {
    if (error instanceof GitHubPermissionError) {
      // An apply also writes the record, so it needs write even though this was a read.
      const needed = `permissions: deployments: ${mode === 'apply' ? 'write' : 'read'}`;
      return fail(`GitHub refused to read the record of applied connectors (HTTP ${error.status}). Grant the workflow \`${needed}\`, or set record: false.`);
    }
    throw error;
  }
  const api = await deps.connectorApi();

  if (mode === 'export') return exportWorkspace(deps, desired, api, records);

  const plan = await r.plan(desired, api, records);
  const fingerprint = planFingerprint(plan);

  const refusedDeletes = !settings.allowDeletes && plan.counts.delete > 0;
  const deletesRefusal = refusedDeletes
    ? `allow-deletes is false, but the plan deletes ${plan.counts.delete} connector(s): ${plan.targets
        .flatMap((t) => t.items.filter((i) => i.action === 'delete').map((i) => `${i.name} in ${targetKey(t.target)}`))
        .join(', ')}. Make deletes a separate change.`
    : undefined;

  if (mode === 'plan' || deletesRefusal) {
    await writeSummary(renderSummary({ plan, context: r.context }));
    // The comment shows the plan even when it is refused, so reviewers see why.
    const pullNumber = settings.event.pullNumber;
    if (mode === 'plan' && settings.comment && pullNumber !== undefined && PULL_REQUEST_EVENTS.has(settings.event.name)) {
      await r.postComment(pullNumber, renderComment({ plan, marker: commentMarker(settings.commentKey), fingerprint, context: r.context }));
    }
    if (deletesRefusal) return fail(deletesRefusal);
    const result: RunResult = hasChanges(plan) ? 'planned' : 'no-op';
    setResult(result);
    return result;
  }

  // Apply == reviewed: the plan now must be the plan approved on the merged pull request. The
  // check needs the PR comment, so it runs when comments are on; a push with no PR has nothing to
  // compare with and is applied as planned.
  const reviewed = settings.event.name === 'push' && settings.comment && hasAnyChange(plan) ? await r.reviewedFingerprint() : {};
  const unreviewed =
    reviewed.problem ??
    (reviewed.fingerprint && reviewed.fingerprint !== fingerprint
      ? `The plan differs from the one reviewed on pull request #${reviewed.pull}: something changed since (in the workspace or on the default branch)`
      : undefined);
  if (unreviewed) {
    const changes = plan.targets.flatMap((t) => t.items.filter(isChange).map((i) => `${i.action} ${i.name} in ${targetKey(t.target)}`));
    const message = `${unreviewed}. Planned now: ${changes.join(', ')}.`;
    if (!settings.allowUnreviewedChanges) {
      await writeSummary(`### Flink connectors: apply refused\n\n${escapeMarkdown(message, 5000)}\n\nRe-run the plan on a pull request and review it, or set allow-unreviewed-changes: true.\n\n${renderSummary({ plan, context: r.context })}`);
      return fail(`${message} Nothing was applied.`);
    }
    core.warning(`${message} Applying anyway (allow-unreviewed-changes: true).`);
  }

  let applied: ApplyResult = { outcomes: [], ok: true };
  if (hasAnyChange(plan)) {
    core.startGroup('Apply');
    applied = await applyPlan(plan, api, {
      parallelism: settings.parallelism,
      timeoutMs: settings.timeoutMs,
      clock: deps.clock,
      recheck: true,
      log: { info: (m) => core.info(m), warning: (m) => core.warning(m) },
    });
    core.endGroup();
    // Each finished change was logged as it happened; the result repeats only what did not finish.
    core.startGroup('Result');
    core.info(renderApplyText(applied, { unfinishedOnly: true }));
    core.endGroup();
  } else {
    core.info('Nothing to apply.');
  }

  const recordProblems = records ? await r.writeRecords(plan, api, records, applied) : [];
  await writeSummary(renderSummary({ plan, context: r.context, applied }));

  const pull = reviewed.pull ?? (settings.event.name !== 'push' && settings.comment && deps.octokit && settings.event.sha ? await findPullForCommit(deps.octokit, settings.event.owner, settings.event.repo, settings.event.sha).catch(() => undefined) : undefined);
  if (settings.comment && pull !== undefined) {
    try {
      await r.postComment(pull, renderComment({ plan, marker: commentMarker(settings.commentKey), fingerprint, context: r.context, applied }));
    } catch (error) {
      core.warning(`Could not report the result on the pull request: ${messageOf(error, deps.secrets)}`);
    }
  }

  const result: RunResult = !applied.ok || recordProblems.length > 0 ? 'failed' : hasAnyChange(plan) ? 'applied' : 'no-op';
  setResult(result);
  const problems: string[] = [];
  if (!applied.ok) {
    const failed = applied.outcomes.filter((o) => o.status !== 'done');
    problems.push(`Apply failed for ${failed.length} connector${failed.length === 1 ? '' : 's'}: ${failed.map((o) => `${o.name} (${o.message ?? o.status})`).join('; ')}`);
  }
  problems.push(...recordProblems);
  if (problems.length > 0) core.setFailed(problems.join('\n'));
  return result;
}

async function exportWorkspace(deps: Dependencies, desired: DesiredConnector[], api: ConnectorApi, records: Map<string, TargetRecord> | undefined): Promise<RunResult> {
  const { settings } = deps;
  const targets = new Map<string, Target>(targetsOf(desired).map((t) => [targetKey(t), t]));
  if (settings.defaultWorkspaceId && settings.defaultNamespace) {
    const t = { workspaceId: settings.defaultWorkspaceId, namespace: settings.defaultNamespace };
    targets.set(targetKey(t), t);
  }
  if (targets.size === 0) return fail('command: export needs a target: set the workspace-id and namespace inputs.');
  const observed = await observe([...targets.values()], api, settings.parallelism);
  const dir = settings.exportPath.replace(/\/+$/, '');
  // Connectors some definition already declares are not exported again: that would declare them twice.
  const declared = new Set(desired.map((d) => `${targetKey(d.target)}/${d.name}`));
  const files = [...targets.values()].flatMap((t) =>
    exportDefinitions(t, (observed.get(targetKey(t)) ?? []).filter((c) => !declared.has(`${targetKey(t)}/${c.name}`)), records?.get(targetKey(t))?.connectors ?? {}, SCHEMA_REF).map(
      (f) => ({ ...f, path: `${dir}/${f.path}` }),
    ),
  );
  await deps.writeFiles(files);
  for (const f of files) core.info(`exported ${oneLine(f.connector)} from ${oneLine(targetKey(f.target))} to ${oneLine(f.path)}${f.jarKnown ? '' : ' (jar_url unknown: placeholder)'}`);
  const rows = files.map((f) => `| ${escapeMarkdown(targetKey(f.target))} | ${escapeMarkdown(f.connector)} | \`${escapeMarkdown(f.path)}\` | ${f.jarKnown ? 'from the record' : 'placeholder: set it'} |`);
  await writeSummary(`### Flink connectors: export\n\n${files.length} connector(s) exported to \`${escapeMarkdown(dir)}/\`.\n\n| Target | Connector | File | jar_url |\n|---|---|---|---|\n${rows.join('\n')}\n`);
  setResult('no-op');
  return 'no-op';
}
