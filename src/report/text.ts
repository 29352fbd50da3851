/**
 * The plain-text plan and apply result, for the job log. Every value from a definition or the API
 * goes through `oneLine`, so none can start a line of its own (where the runner would obey it as a
 * workflow command) or carry terminal escape sequences.
 */
import { targetKey } from '../model.js';
import type { ApplyOutcome, ApplyResult, Plan, PlanItem, PlanWarning, TableMeta, Target } from '../model.js';
import { formatDuration } from '../duration.js';
import { impactLine, impactSentence } from '../impact/impact.js';
import { oneLine } from './escape.js';
import { PAST_TENSE, SYMBOLS, applyLine, isChange, planLine, recordLine } from './format.js';

export { planLine };

const NAME_MAX = 200;
const REASON_MAX = 500;
const MESSAGE_MAX = 2000;
const NAME_LIST_MAX = 4000;

function typeSuffix(type: string | undefined): string {
  return type === undefined || type === '' ? '' : ` (type ${oneLine(type, NAME_MAX)})`;
}

function itemLines(item: PlanItem): string[] {
  const symbol = SYMBOLS[item.action].padStart(3);
  const head = `${symbol} ${item.action} ${oneLine(item.name, NAME_MAX)}${typeSuffix(item.type)} — ${oneLine(item.reason, REASON_MAX)}`;
  const details = (item.differences ?? []).map((d) => `        ${oneLine(d, REASON_MAX)}`);
  if (item.jarUrl !== undefined && (item.action === 'register' || item.action === 'replace')) {
    details.push(`        jar: ${oneLine(item.jarUrl, REASON_MAX)}`);
  }
  if (item.description) details.push(`        description: ${oneLine(item.description, REASON_MAX)}`);
  if (item.impact !== undefined && (item.action === 'replace' || item.action === 'delete')) {
    details.push(`        impact: ${oneLine(impactLine(item.impact), NAME_LIST_MAX)}`);
    const sentence = impactSentence(item.action, item.impact);
    if (sentence) details.push(`        ${sentence}`);
  }
  return [head, ...details];
}

function warningLine(warning: PlanWarning): string {
  const where = [warning.target ? targetKey(warning.target) : undefined, warning.name].filter((p) => p !== undefined);
  const prefix = where.length > 0 ? `${oneLine(where.join(' '), NAME_MAX)}: ` : '';
  const location = warning.location ? ` (${oneLine(`${warning.location.file}:${warning.location.line}`, NAME_MAX)})` : '';
  return `  ! ${prefix}${oneLine(warning.message, MESSAGE_MAX)}${location}`;
}

/** The whole plan, one target after another, ending with the `Plan:` line (or `No changes.`). */
export function renderPlanText(plan: Plan): string {
  const lines: string[] = [];
  for (const { target, items } of plan.targets) {
    lines.push(`Target ${oneLine(targetKey(target), NAME_MAX)}:`);
    const shown = items.filter((i) => isChange(i) || i.action === 'unmanaged');
    for (const item of shown) lines.push(...itemLines(item));
    const unchanged = items.filter((i) => i.action === 'unchanged');
    if (unchanged.length > 0) {
      const names = oneLine(unchanged.map((i) => i.name).join(', '), NAME_LIST_MAX);
      lines.push(`  = ${unchanged.length} unchanged: ${names}`);
    }
    if (items.length === 0) lines.push('    no connectors');
    lines.push('');
  }
  // Unmanaged connectors are rows above already: mentioned once.
  const warnings = plan.warnings.filter((w) => w.kind !== 'unmanaged');
  if (warnings.length > 0) {
    lines.push('Warnings:', ...warnings.map(warningLine), '');
  }
  const record = recordLine(plan.counts);
  if (record) lines.push(record);
  lines.push(planLine(plan.counts));
  return lines.join('\n');
}

function where(target: Target): string {
  return oneLine(targetKey(target), NAME_MAX);
}

function tablesLine(tables: readonly TableMeta[] | undefined): string[] {
  if (tables === undefined || tables.length === 0) return [];
  const names = tables.map((t) => `${t.catalogName}.${t.databaseName}.${t.tableName}`).join(', ');
  return [`    tables built on it: ${oneLine(names, NAME_LIST_MAX)}`];
}

function outcomeLines(o: ApplyOutcome): string[] {
  const name = oneLine(o.name, NAME_MAX);
  const took = formatDuration(o.durationMs);
  const message = o.message === undefined ? '' : oneLine(o.message, MESSAGE_MAX);
  let head: string;
  switch (o.status) {
    case 'done':
      head = `${PAST_TENSE[o.action]} ${name} in ${where(o.target)} (${took})${message ? `: ${message}` : ''}`;
      break;
    case 'failed':
      head = `failed to ${o.action} ${name} in ${where(o.target)} (${took}): ${message || 'no error message'}`;
      break;
    case 'skipped':
      head = `skipped ${o.action} of ${name} in ${where(o.target)}: ${message || 'not attempted'}`;
      break;
  }
  return [head, ...tablesLine(o.tables)];
}

/**
 * One line per outcome (plus the tables built on deleted connectors), then the `Apply:` line.
 * `unfinishedOnly` leaves out the changes that finished, for a log that already reported them.
 */
export function renderApplyText(result: ApplyResult, options: { unfinishedOnly?: boolean } = {}): string {
  const shown = options.unfinishedOnly ? result.outcomes.filter((o) => o.status !== 'done') : result.outcomes;
  return [...shown.flatMap(outcomeLines), applyLine(result)].join('\n');
}
