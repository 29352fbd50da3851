/**
 * The drift issue as markdown: its title, its body (the plan exactly as the PR comment renders it,
 * under a short note) and the few comments a check adds. The body carries the drifted set in a
 * hidden comment, so the next check can tell whether the set changed without keeping state.
 */
import { createHash } from 'node:crypto';
import type { Plan } from '../model.js';
import { targetKey } from '../model.js';
import { isWorkspaceChange } from '../plan/plan.js';
import { escapeMarkdown as esc, oneLine } from './escape.js';
import { plural } from './format.js';
import { COMMENT_LIMIT, type ReportContext, renderComment, runLink } from './markdown.js';

const DRIFT_SET_IN_BODY = /<!-- flink-connector-action:drift-set:([0-9a-f]{64}) -->/;
/** Names listed in a note or a comment; the body's tables list them all. */
const NAMES_SHOWN = 20;

/** The connectors the plan would register, replace or delete, as sorted `workspace/namespace/name`. */
export function driftedConnectors(plan: Plan): string[] {
  return plan.targets.flatMap((t) => t.items.filter(isWorkspaceChange).map((i) => `${targetKey(t.target)}/${i.name}`)).sort();
}

/** A hash of the drifted set: equal sets give equal hashes, whatever the plan's wording. */
export function driftSetHash(drifted: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify([...drifted].sort())).digest('hex');
}

/** The drifted-set hash a drift issue body carries, or undefined. */
export function readDriftSet(body: string): string | undefined {
  return DRIFT_SET_IN_BODY.exec(body)?.[1];
}

/** GitHub allows 256 characters in a title; the key is the user's own, shown as plain text. */
export function driftTitle(commentKey: string): string {
  return `Flink connectors drifted from their definitions (${oneLine(commentKey, 180)})`;
}

function names(drifted: readonly string[]): string {
  const shown = drifted.slice(0, NAMES_SHOWN).map((d) => esc(d, 200));
  const more = drifted.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

export interface DriftIssueBodyInput {
  readonly plan: Plan;
  /** From `commentMarker(key)`: the issue is found by it. */
  readonly marker: string;
  readonly context: ReportContext;
  readonly drifted: readonly string[];
  /** Characters; defaults to GitHub's body limit. */
  readonly limit?: number;
}

/** A short note on what drift means here, then the plan as the PR comment shows it, within the limit. */
export function renderDriftIssueBody(input: DriftIssueBodyInput): string {
  const head = [
    `<!-- flink-connector-action:drift-set:${driftSetHash(input.drifted)} -->`,
    '> [!WARNING]',
    `> ${plural(input.drifted.length, 'connector')} drifted: the workspace no longer matches the definitions (${names(input.drifted)}).`,
    `> Found by ${runLink(input.context, 'a drift check')}. Applying the definitions (or changing them to match) ends the drift; this issue is closed by the first check that finds none.`,
    '',
    '',
  ].join('\n');
  return head + renderComment({ plan: input.plan, marker: input.marker, context: input.context, limit: (input.limit ?? COMMENT_LIMIT) - head.length });
}

/** Added when a later check finds a different set of drifted connectors. */
export function driftChangedComment(drifted: readonly string[], context: ReportContext): string {
  return `The drifted connectors changed. Now ${plural(drifted.length, 'connector')}: ${names(drifted)}. The description shows the plan of ${runLink(context, 'this check')}.`;
}

/** Added when a check reopens the issue. */
export function driftAgainComment(drifted: readonly string[], context: ReportContext): string {
  return `Drifted again: ${plural(drifted.length, 'connector')} (${names(drifted)}). The description shows the plan of ${runLink(context, 'this check')}.`;
}

/** Added before the issue is closed. */
export function convergedComment(context: ReportContext): string {
  return `Converged: ${runLink(context, 'a check')} found no drift. Closing.`;
}

/** Added to a second open issue of the same key (two checks raced) before it is closed. */
export function duplicateComment(number: number): string {
  return `Duplicate of #${number}.`;
}
