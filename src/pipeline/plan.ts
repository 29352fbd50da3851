/** Observe the workspace and plan: the step every mode but export ends with. */
import { impactLine, impactSentence, needsImpact } from '../impact/impact.js';
import type { DesiredConnector, Plan, PlanItem } from '../model.js';
import { targetKey } from '../model.js';
import { observe } from '../observe.js';
import { expectationFailures } from '../plan/expectations.js';
import { buildPlan, hasChanges, targetsOf } from '../plan/plan.js';
import type { TargetRecord } from '../record/record.js';
import { oneLine } from '../report/escape.js';
import { planJsonOutput } from '../report/plan-json.js';
import { renderPlanText } from '../report/text.js';
import type { ConnectorApi, UsageApi, ValidationApi } from '../ververica/connectors.js';
import type { WireDeployment } from '../ververica/sdk.js';
import { readBaseline } from './verification.js';
import { readImpact } from './impact.js';
import { settleRecordMarks } from './records.js';
import type { Reporter } from './reporter.js';
import type { Mode, RunContext } from './run-context.js';
import type { Settings } from '../settings.js';

/** ` Used by ...; 3 tables. Running jobs keep ...`, or nothing when the impact was not read. */
function impactText(item: PlanItem): string {
  if (item.impact === undefined || (item.action !== 'replace' && item.action !== 'delete')) return '';
  const sentence = impactSentence(item.action, item.impact);
  return ` Impact: ${impactLine(item.impact)}.${sentence ? ` ${sentence}` : ''}`;
}

function annotatePlan(out: Reporter, plan: Plan): void {
  const failures = expectationFailures(plan);
  for (const f of failures) out.error(f.message, { file: f.location.file, startLine: f.location.line, title: 'Flink connector expectation not met' });
  const failed = new Set(failures.map((f) => `${targetKey(f.target)}/${f.name}`));
  for (const t of plan.targets) {
    for (const item of t.items) {
      const location = item.desired?.location;
      if (!location || failed.has(`${targetKey(t.target)}/${item.name}`)) continue;
      const props = { file: location.file, startLine: location.line, title: `Flink connector ${item.action}` };
      if (item.action === 'delete') out.warning(`${item.name} in ${targetKey(t.target)} will be deleted: ${item.reason}.${impactText(item)}`, props);
      if (item.action === 'replace') {
        out.warning(`${item.name} in ${targetKey(t.target)} will be replaced (deleted, then registered): ${[item.reason, ...(item.differences ?? [])].join('; ')}.${impactText(item)}`, props);
      }
    }
  }
  // Warnings without a place are in the plan's log text already.
  for (const w of plan.warnings) {
    if (w.location) out.notice(w.message, { file: w.location.file, startLine: w.location.line, title: 'Flink connector plan' });
  }
}

/** Outputs for runs that end before a plan exists, set first so that every exit path has them. */
export function setNoPlanOutputs(out: Reporter): void {
  out.setOutput('has-changes', 'false');
  for (const name of ['to-register', 'to-replace', 'to-delete']) out.setOutput(name, '0');
}

export function setPlanOutputs(out: Reporter, plan: Plan): void {
  out.setOutput('has-changes', String(hasChanges(plan)));
  out.setOutput('to-register', String(plan.counts.register));
  out.setOutput('to-replace', String(plan.counts.replace));
  out.setOutput('to-delete', String(plan.counts.delete));
  out.setOutput('plan-json', planJsonOutput(plan));
}

/** Whose impact to read, and through which client. */
export interface ImpactRequest {
  readonly api: UsageApi & ValidationApi;
  /** Also validate each replace's users' SQL today (the plan's baseline; an apply verifies on its own). */
  readonly baseline?: boolean;
  /** The changes whose impact is read (default: every replace and delete). */
  readonly which?: (item: PlanItem) => boolean;
}

/**
 * What a mode reads the impact of: a plan, every replace and delete, for the reviewer; an apply,
 * its deletes when `protect-in-use` is on, so that it refuses what the plan refused.
 */
export function impactReadFor(mode: Mode, settings: Pick<Settings, 'protectInUse'>, api: UsageApi & ValidationApi): ImpactRequest | undefined {
  if (mode === 'plan') return { api, baseline: true };
  if (mode === 'apply' && settings.protectInUse) return { api, which: (item) => item.action === 'delete' };
  return undefined;
}

/**
 * The plan with the impact of the changes `request` chooses (with `impact: true`), read only where
 * there are any; a refused read or a stopped walk is also a workflow warning.
 */
export async function readImpactFor(ctx: RunContext, plan: Plan, request: ImpactRequest): Promise<Plan> {
  const { settings, out } = ctx;
  const chosen = (item: PlanItem): boolean => needsImpact(item) && (request.which?.(item) ?? true);
  if (!settings.impact || !plan.targets.some((tp) => tp.items.some(chosen))) return plan;
  const warningsBefore = plan.warnings.length;
  out.startGroup(`Read the impact of ${request.which ? 'the chosen changes' : 'replaces and deletes'}`);
  const deployments = new Map<string, readonly WireDeployment[]>();
  let read = await readImpact(plan, request.api, {
    parallelism: settings.parallelism,
    scanLimit: settings.impactScanLimit,
    which: chosen,
    onRead: (target, deployments, tables) => out.info(`${targetKey(target)}: ${deployments} deployment(s), ${tables} catalog table(s) read`),
    onDeployments: (target, list) => deployments.set(targetKey(target), list),
  });
  // Whether each replace's users validate today: already-broken jobs show before the merge.
  if (request.baseline && settings.verify) {
    read = await readBaseline(read, request.api, deployments, { parallelism: settings.parallelism, limit: settings.verifyLimit, warn: (m) => out.warning(m, { title: 'Flink connector impact' }) });
  }
  out.endGroup();
  for (const w of read.warnings.slice(warningsBefore)) out.warning(w.message, { title: 'Flink connector impact' });
  return read;
}

/**
 * One list per target, then the pure plan; logged, annotated and set as outputs. With `impact`
 * (and the `impact` input on), the changes it chooses also get their impact.
 */
export async function observeAndPlan(ctx: RunContext, desired: DesiredConnector[], api: ConnectorApi, records: Map<string, TargetRecord> | undefined, impact?: ImpactRequest): Promise<Plan> {
  const { settings, out } = ctx;
  const plannedTargets = targetsOf(desired, records);
  out.startGroup(`Read ${plannedTargets.length} target(s)`);
  const observed = await observe(plannedTargets, api, settings.parallelism);
  for (const t of plannedTargets) out.info(`${oneLine(targetKey(t))}: ${observed.get(targetKey(t))?.length ?? 0} connector(s) live`);
  out.endGroup();
  if (records) settleRecordMarks(out, records, observed);
  let plan = buildPlan(desired, observed, { prune: settings.prune, records });
  if (impact !== undefined) plan = await readImpactFor(ctx, plan, impact);
  // The `Plan:` line stays outside the group, so it is visible without opening it.
  const text = renderPlanText(plan).split('\n');
  out.startGroup('Plan');
  out.info(text.slice(0, -1).join('\n'));
  out.endGroup();
  out.info(text[text.length - 1] ?? '');
  annotatePlan(out, plan);
  setPlanOutputs(out, plan);
  return plan;
}
