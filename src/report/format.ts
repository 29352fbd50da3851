/** Vocabulary shared by the text and markdown renderings, so logs and comments say the same things. */
import type { ApplyResult, ChangeAction, PlanAction, PlanCounts } from '../model.js';

/** The column a reader scans first: one short symbol per action. */
export const SYMBOLS: Readonly<Record<PlanAction, string>> = {
  register: '+',
  replace: '-/+',
  delete: '-',
  adopt: '<=',
  update: '~',
  unchanged: '=',
  unmanaged: '?',
};

export const PAST_TENSE: Readonly<Record<ChangeAction, string>> = {
  register: 'registered',
  replace: 'replaced',
  delete: 'deleted',
  adopt: 'adopted',
  update: 'updated the record of',
};

/** Rows of the changes table: workspace changes and record-only ones. */
export { isChange } from '../plan/plan.js';

/** `1 connector`, `2 connectors`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `Plan: N to register, N to replace, N to delete.`, or `No changes.` when all three are zero. */
export function planLine(counts: PlanCounts): string {
  if (counts.register === 0 && counts.replace === 0 && counts.delete === 0) return 'No changes.';
  return `Plan: ${counts.register} to register, ${counts.replace} to replace, ${counts.delete} to delete.`;
}

/** `Record: N to adopt, N to update.` for record-only changes, or undefined when there are none. */
export function recordLine(counts: PlanCounts): string | undefined {
  const { adopt, update } = counts;
  if (adopt === 0 && update === 0) return undefined;
  return `Record: ${adopt} to adopt, ${update} to update.`;
}

export interface ApplyCounts {
  readonly done: number;
  readonly failed: number;
  readonly skipped: number;
}

export function applyCounts(result: ApplyResult): ApplyCounts {
  const count = (status: 'done' | 'failed' | 'skipped'): number =>
    result.outcomes.filter((o) => o.status === status).length;
  return { done: count('done'), failed: count('failed'), skipped: count('skipped') };
}

/** `Apply: 3 done, 1 failed, 0 skipped.` */
export function applyLine(result: ApplyResult): string {
  const c = applyCounts(result);
  return `Apply: ${c.done} done, ${c.failed} failed, ${c.skipped} skipped.`;
}
