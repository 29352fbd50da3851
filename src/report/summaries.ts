/**
 * The job summaries other than the plan's: invalid definitions and a refused apply. Each stays
 * within GitHub's size limit for a step summary, header included, like the plan summary.
 */
import type { DefinitionError } from '../model.js';
import { codeSpan, escapeMessage } from './escape.js';
import { SUMMARY_LIMIT_BYTES, type SummaryInput, renderSummary } from './markdown.js';
import { plural } from './format.js';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Every definition error as a list item, then "… and N more" once the limit would be passed. */
export function renderDefinitionErrors(errors: readonly DefinitionError[], limitBytes = SUMMARY_LIMIT_BYTES): string {
  const head = `### Flink connectors: invalid definitions\n\n${plural(errors.length, 'problem')} found; nothing was sent to the API.\n\n`;
  const more = (n: number): string => `- … and ${n} more (see the annotations and the log)\n`;
  // Room for the longest possible "and N more" line, so adding it can never overflow.
  let room = limitBytes - bytes(head) - bytes(more(errors.length));
  const rows: string[] = [];
  for (const e of errors) {
    const row = `- ${codeSpan(`${e.location.file}:${e.location.line}`)}: ${escapeMessage(e.message, 1000)}\n`;
    if (bytes(row) > room) break;
    rows.push(row);
    room -= bytes(row);
  }
  const left = errors.length - rows.length;
  return `${head}${rows.join('')}${left > 0 ? more(left) : ''}`;
}

/** Why the apply was refused, what to do, then the plan summary in the bytes that are left. */
/** How to go on after an apply was refused. */
export const RECOVER_FROM_REFUSAL =
  'To apply these changes, re-run the plan on a pull request, review it and merge it (the next apply carries what was reviewed), or set allow-unreviewed-changes: true for this run.';

export function renderRefusedApply(message: string, summary: SummaryInput): string {
  const head = `### Flink connectors: apply refused\n\n${escapeMessage(message, 5000)}\n\n${RECOVER_FROM_REFUSAL}\n\n`;
  const limitBytes = (summary.limitBytes ?? SUMMARY_LIMIT_BYTES) - bytes(head);
  return `${head}${renderSummary({ ...summary, limitBytes })}`;
}
