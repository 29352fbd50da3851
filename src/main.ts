/**
 * The orchestrator: load → (records) → observe → plan, then one mode: plan | apply | export | check. The
 * only module that decides which mode runs; each mode lives in src/modes/ over the shared pipeline
 * in src/pipeline/. Collaborators with side effects arrive through `Dependencies`.
 */
import { GitHubPermissionError } from './github/errors.js';
import { applyMode } from './modes/apply.js';
import { checkMode } from './modes/check.js';
import { exportMode } from './modes/export.js';
import { deletesRefusal, inUseRefusal, reportPlan } from './modes/plan.js';
import { loadDesired } from './pipeline/load.js';
import { impactReadFor, observeAndPlan } from './pipeline/plan.js';
import { readRecords } from './pipeline/records.js';
import { type Dependencies, type Mode, PULL_REQUEST_EVENTS, type RunResult, fail, runContext } from './pipeline/run-context.js';
import type { TargetRecord } from './record/record.js';
import { expectationRefusal } from './plan/expectations.js';
import { planFingerprint } from './report/fingerprint.js';
import { escapeMessage, oneLine } from './report/escape.js';
import { scrub } from './secrets.js';
import type { Settings } from './settings.js';
import { checkCredentials } from './ververica/chain-probe.js';

export type { Dependencies, Mode, RunResult } from './pipeline/run-context.js';

/**
 * What this event asks for. Apply never runs on pull-request events, whatever `command` says; a
 * scheduled run checks for drift.
 */
export function modeFor(settings: Pick<Settings, 'command' | 'event'>): { mode: Mode; note?: string } {
  const { command, event } = settings;
  if (PULL_REQUEST_EVENTS.has(event.name)) {
    return command === 'apply' ? { mode: 'plan', note: `command: apply is ignored on ${event.name} events; planning instead.` } : { mode: command === 'export' || command === 'check' ? command : 'plan' };
  }
  if (command !== 'auto') return { mode: command };
  if (event.name === 'push' && event.pushToDefaultBranch) return { mode: 'apply' };
  if (event.name === 'schedule') return { mode: 'check' };
  return { mode: 'plan' };
}

/** Runs the action. Returns the `result` output; throws only for unexpected failures. */
export async function run(deps: Dependencies): Promise<RunResult> {
  const { settings } = deps;
  const { mode, note } = modeFor(settings);
  const ctx = runContext(deps);
  const { out } = ctx;
  if (note) out.warning(note);
  out.info(`flink-connector-action: ${mode} (event ${settings.event.name}, command ${settings.command})`);

  const desired = await loadDesired(ctx);
  if (!desired) {
    return fail(ctx, 'The connector definitions have problems (see the annotations); nothing was sent to the API.');
  }

  // A fork's pull request gets no secrets and no ID token, whatever the workflow says; any other run
  // without credentials is told what to set before any call is made.
  const credentials = await checkCredentials(settings, PULL_REQUEST_EVENTS.has(settings.event.name));
  if ('validationOnly' in credentials) {
    const text = `Validation only: ${desired.length} connector definition(s) are valid. No plan was made because ${scrub(credentials.validationOnly, deps.secrets)}.`;
    out.warning(oneLine(text, 2000));
    await out.summary(`### Flink connectors: validation only\n\n${escapeMessage(text, 2000)}\n`);
    out.setOutput('result', 'no-op');
    return 'no-op';
  }
  if ('missing' in credentials) {
    const text = scrub(credentials.missing, deps.secrets);
    const first = text.charAt(0).toUpperCase() + text.slice(1);
    await out.summary(`### Flink connectors: no credentials\n\n${escapeMessage(first, 2000)}\n`);
    return fail(ctx, oneLine(first, 2000));
  }

  let records: Map<string, TargetRecord> | undefined;
  try {
    records = await readRecords(ctx, desired);
  } catch (error) {
    if (error instanceof GitHubPermissionError) {
      // An apply also writes the record, so it needs write even though this was a read.
      const needed = `permissions: deployments: ${mode === 'apply' ? 'write' : 'read'}`;
      return fail(ctx, `GitHub refused to read the record of applied connectors (HTTP ${error.status}). Grant the workflow \`${needed}\`, or set record: false.`);
    }
    throw error;
  }
  const api = await deps.connectorApi();

  if (mode === 'export') return exportMode(ctx, desired, api, records);

  const plan = await observeAndPlan(ctx, desired, api, records, impactReadFor(mode, settings, api));
  if (mode === 'check') return checkMode(ctx, plan);
  const fingerprint = planFingerprint(plan);
  const refusal = expectationRefusal(plan) ?? deletesRefusal(plan, settings) ?? inUseRefusal(plan, settings);
  if (mode === 'plan' || refusal) return reportPlan(ctx, plan, fingerprint, refusal, mode === 'plan');
  return applyMode(ctx, plan, fingerprint, api, records);
}
