/**
 * The step's outputs and its job summary, set the same way on every exit path, so a workflow's
 * `if:` on `result`, `has-changes` or `to-*` never reads a missing output.
 */
import * as core from '@actions/core';
import type { Plan } from './model.js';
import { hasChanges } from './plan/plan.js';
import { planJsonOutput } from './report/plan-json.js';

export type RunResult = 'planned' | 'applied' | 'failed' | 'no-op';

const SUMMARY_FILE = 'GITHUB_STEP_SUMMARY';

let planOutputsSet = false;

/** `has-changes`, `to-*` and `plan-json` of a plan. */
export function setPlanOutputs(plan: Plan): void {
  core.setOutput('has-changes', String(hasChanges(plan)));
  core.setOutput('to-register', String(plan.counts.register));
  core.setOutput('to-replace', String(plan.counts.replace));
  core.setOutput('to-delete', String(plan.counts.delete));
  core.setOutput('plan-json', planJsonOutput(plan));
  planOutputsSet = true;
}

/** `result`, and, when no plan was made, `has-changes: false` and `to-*: 0`. */
export function setResult(result: RunResult): void {
  core.setOutput('result', result);
  if (planOutputsSet) return;
  core.setOutput('has-changes', 'false');
  for (const name of ['to-register', 'to-replace', 'to-delete']) core.setOutput(name, '0');
  planOutputsSet = true;
}

/**
 * Appends to the job summary. Without a summary file (older GitHub Enterprise Server, `act`, local
 * runs) that is a warning, not a failure: the log says everything the summary does.
 */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env[SUMMARY_FILE]) {
    core.warning(`No job summary file (${SUMMARY_FILE} is not set): the summary was not written; the log has the same content.`);
    return;
  }
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    core.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
  }
}
