/** Observe the workspace and plan: the step every mode but export ends with. */
import type { DesiredConnector, Plan } from '../model.js';
import { targetKey } from '../model.js';
import { observe } from '../observe.js';
import { buildPlan, hasChanges, targetsOf } from '../plan/plan.js';
import type { TargetRecord } from '../record/record.js';
import { oneLine } from '../report/escape.js';
import { planJsonOutput } from '../report/plan-json.js';
import { renderPlanText } from '../report/text.js';
import type { ConnectorApi } from '../ververica/connectors.js';
import type { Reporter } from './reporter.js';
import type { RunContext } from './run-context.js';

function annotatePlan(out: Reporter, plan: Plan): void {
  for (const t of plan.targets) {
    for (const item of t.items) {
      const location = item.desired?.location;
      if (!location) continue;
      const props = { file: location.file, startLine: location.line, title: `Flink connector ${item.action}` };
      if (item.action === 'delete') out.warning(`${item.name} in ${targetKey(t.target)} will be deleted: ${item.reason}`, props);
      if (item.action === 'replace') {
        out.warning(`${item.name} in ${targetKey(t.target)} will be replaced (deleted, then registered): ${[item.reason, ...(item.differences ?? [])].join('; ')}`, props);
      }
    }
  }
  for (const w of plan.warnings) {
    if (w.location) out.notice(w.message, { file: w.location.file, startLine: w.location.line, title: 'Flink connector plan' });
    else out.info(`note: ${oneLine(w.message, 4000)}`);
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

/** One list per target, then the pure plan; logged, annotated and set as outputs. */
export async function observeAndPlan(ctx: RunContext, desired: DesiredConnector[], api: ConnectorApi, records: Map<string, TargetRecord> | undefined): Promise<Plan> {
  const { settings, out } = ctx;
  const plannedTargets = targetsOf(desired, records);
  out.startGroup(`Read ${plannedTargets.length} target(s)`);
  const observed = await observe(plannedTargets, api, settings.parallelism);
  for (const t of plannedTargets) out.info(`${oneLine(targetKey(t))}: ${observed.get(targetKey(t))?.length ?? 0} connector(s) live`);
  out.endGroup();
  const plan = buildPlan(desired, observed, { prune: settings.prune, records });
  out.startGroup('Plan');
  out.info(renderPlanText(plan));
  out.endGroup();
  annotatePlan(out, plan);
  setPlanOutputs(out, plan);
  return plan;
}
