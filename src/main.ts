/**
 * The orchestrator: load → observe → plan → report | apply. The only module that decides the
 * run's exit status. Collaborators with side effects arrive through `Dependencies`.
 */
import * as core from '@actions/core';
import { applyPlan } from './apply/apply.js';
import type { Clock } from './apply/ports.js';
import { loadDefinitions } from './definitions/validate.js';
import type { readDefinitionFiles } from './definitions/files.js';
import { GitHubPermissionError } from './github/errors.js';
import { findPullForCommit } from './github/pulls.js';
import { upsertStickyComment } from './github/sticky-comment.js';
import type { Octokit } from './github/client.js';
import type { ApplyResult, DefinitionError, Plan } from './model.js';
import { targetKey } from './model.js';
import { buildPlan, hasChanges, targetsOf } from './plan/plan.js';
import { observe } from './observe.js';
import { planFingerprint } from './report/fingerprint.js';
import { commentMarker, renderComment, renderSummary } from './report/markdown.js';
import { planToJson } from './report/plan-json.js';
import { renderApplyText, renderPlanText } from './report/text.js';
import { scrub } from './secrets.js';
import type { Settings } from './settings.js';
import type { ConnectorApi } from './ververica/connectors.js';

export interface Dependencies {
  readonly settings: Settings;
  /** Built only once the definitions are valid, so bad input never reaches the API. */
  readonly connectorApi: () => ConnectorApi;
  /** Absent when there is no token or no repository to talk to. */
  readonly octokit?: Octokit;
  readonly readDefinitionFiles: typeof readDefinitionFiles;
  readonly clock: Clock;
}

export type Mode = 'plan' | 'apply';
export type RunResult = 'planned' | 'applied' | 'failed' | 'no-op';

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

/** What this event asks for. Apply never runs on pull-request events, whatever `command` says. */
export function modeFor(settings: Pick<Settings, 'command' | 'event'>): { mode: Mode; note?: string } {
  const { command, event } = settings;
  if (PULL_REQUEST_EVENTS.has(event.name)) {
    return command === 'apply' ? { mode: 'plan', note: `command: apply is ignored on ${event.name} events; planning instead.` } : { mode: 'plan' };
  }
  if (command === 'apply') return { mode: 'apply' };
  if (command === 'plan') return { mode: 'plan' };
  if (event.name === 'push' && event.pushToDefaultBranch) return { mode: 'apply' };
  return { mode: 'plan' };
}

function annotateDefinitionErrors(errors: readonly DefinitionError[]): void {
  for (const e of errors) {
    core.error(e.message, { title: 'Invalid connector definition', file: e.location.file, startLine: e.location.line, startColumn: e.location.column });
  }
}

function definitionErrorsMarkdown(errors: readonly DefinitionError[]): string {
  const rows = errors.map((e) => `- \`${e.location.file}:${e.location.line}\`: ${e.message.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))}`);
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
        core.warning(`${item.name} in ${targetKey(t.target)} will be replaced (deleted, then registered): ${(item.differences ?? []).join('; ')}`, props);
      }
    }
  }
  for (const w of plan.warnings) {
    if (w.location) core.notice(w.message, { file: w.location.file, startLine: w.location.line, title: 'Flink connector plan' });
    else core.info(`note: ${w.message}`);
  }
}

function setPlanOutputs(plan: Plan): void {
  core.setOutput('has-changes', String(hasChanges(plan)));
  core.setOutput('to-register', String(plan.counts.register));
  core.setOutput('to-replace', String(plan.counts.replace));
  core.setOutput('to-delete', String(plan.counts.delete));
  core.setOutput('plan-json', JSON.stringify(planToJson(plan)));
}

async function postComment(deps: Dependencies, pullNumber: number, body: string): Promise<void> {
  const { settings, octokit } = deps;
  if (!octokit) {
    core.warning('No github-token: the plan comment was not posted.');
    return;
  }
  try {
    const comment = await upsertStickyComment(octokit, {
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

/** Runs the action. Returns the `result` output; throws only for unexpected failures. */
export async function run(deps: Dependencies): Promise<RunResult> {
  const { settings, clock } = deps;
  const { mode, note } = modeFor(settings);
  if (note) core.warning(note);
  core.info(`flink-connector-action: ${mode} (event ${settings.event.name}, command ${settings.command})`);

  core.startGroup('Load definitions');
  const read = await deps.readDefinitionFiles([...settings.definitions], settings.root);
  for (const w of read.warnings) core.warning(w);
  const loaded = loadDefinitions(read.files, { workspaceId: settings.defaultWorkspaceId, namespace: settings.defaultNamespace });
  const errors = [...read.errors, ...loaded.errors];
  core.info(`${read.files.length} file(s), ${loaded.connectors.length} connector(s), ${errors.length} error(s)`);
  core.endGroup();
  if (errors.length > 0) {
    annotateDefinitionErrors(errors);
    await core.summary.addRaw(definitionErrorsMarkdown(errors)).write();
    core.setOutput('result', 'failed');
    core.setFailed(`${errors.length} problem${errors.length === 1 ? '' : 's'} in the connector definitions; nothing was sent to the API.`);
    return 'failed';
  }

  const api = deps.connectorApi();
  const plannedTargets = targetsOf(loaded.connectors);
  core.startGroup(`Read ${plannedTargets.length} target(s)`);
  const observed = await observe(plannedTargets, api, settings.parallelism);
  for (const t of plannedTargets) core.info(`${targetKey(t)}: ${observed.get(targetKey(t))?.length ?? 0} connector(s) live`);
  core.endGroup();

  const plan = buildPlan(loaded.connectors, observed, { prune: settings.prune });
  core.startGroup('Plan');
  core.info(renderPlanText(plan));
  core.endGroup();
  annotatePlan(plan);
  setPlanOutputs(plan);

  const context = { sha: settings.event.sha, runUrl: settings.event.runUrl, time: new Date(clock.now()), eventName: settings.event.name };
  const fingerprint = planFingerprint(plan);

  if (mode === 'plan') {
    await core.summary.addRaw(renderSummary({ plan, context })).write();
    const pullNumber = settings.event.pullNumber;
    if (settings.comment && pullNumber !== undefined && PULL_REQUEST_EVENTS.has(settings.event.name)) {
      await postComment(deps, pullNumber, renderComment({ plan, marker: commentMarker(settings.commentKey), fingerprint, context }));
    }
    const result: RunResult = hasChanges(plan) ? 'planned' : 'no-op';
    core.setOutput('result', result);
    return result;
  }

  let applied: ApplyResult = { outcomes: [], ok: true };
  if (hasChanges(plan)) {
    core.startGroup('Apply');
    applied = await applyPlan(plan, api, {
      parallelism: settings.parallelism,
      timeoutMs: settings.timeoutMs,
      clock,
      log: { info: (m) => core.info(m), warning: (m) => core.warning(m) },
    });
    core.endGroup();
    core.startGroup('Result');
    core.info(renderApplyText(applied));
    core.endGroup();
  } else {
    core.info('Nothing to apply.');
  }
  await core.summary.addRaw(renderSummary({ plan, context, applied })).write();

  if (settings.comment && settings.event.owner && deps.octokit && settings.event.sha) {
    try {
      const pull = await findPullForCommit(deps.octokit, settings.event.owner, settings.event.repo, settings.event.sha);
      if (pull !== undefined) {
        await postComment(deps, pull, renderComment({ plan, marker: commentMarker(settings.commentKey), fingerprint, context, applied }));
      }
    } catch (error) {
      core.warning(`Could not report the result on the pull request: ${scrub(error instanceof Error ? error.message : String(error), settings.secrets)}`);
    }
  }

  const result: RunResult = !applied.ok ? 'failed' : hasChanges(plan) ? 'applied' : 'no-op';
  core.setOutput('result', result);
  if (!applied.ok) {
    const failed = applied.outcomes.filter((o) => o.status !== 'done');
    core.setFailed(`Apply failed for ${failed.length} connector${failed.length === 1 ? '' : 's'}: ${failed.map((o) => `${o.name} (${o.message ?? o.status})`).join('; ')}`);
  }
  return result;
}
