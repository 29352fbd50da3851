/**
 * The sticky PR comment and the job summary, as markdown.
 *
 * The comment must stay under GitHub's 65,536-character limit whatever the plan's size, so it
 * degrades in steps (full → changes only → counts per target) and says what it left out; the job
 * summary always carries every row, up to the 1 MiB a step summary may hold.
 */
import { createHash } from 'node:crypto';
import { targetKey } from '../model.js';
import type { ApplyOutcome, ApplyResult, Plan, PlanItem, PlanWarning, TargetPlan } from '../model.js';
import { formatDuration } from '../duration.js';
import { impactLine, impactSentence } from '../impact/impact.js';
import { escapeMarkdown as esc, sanitizeMarkerKey } from './escape.js';
import { SYMBOLS, applyLine, isChange, planLine, plural, recordLine } from './format.js';
import { verificationCell } from './verification.js';

/** GitHub refuses a comment body longer than this many characters. */
export const COMMENT_LIMIT = 65_536;
/** GitHub drops a step summary larger than this many bytes. */
export const SUMMARY_LIMIT_BYTES = 1_048_576;

const MARKER_PREFIX = 'flink-connector-action';
const FINGERPRINT_IN_BODY = /<!-- flink-connector-action:fingerprint:([0-9a-f]{1,128}) -->/;

/**
 * The hidden comment that identifies our sticky comment for `key` (e.g. a workflow or a path set):
 * the key made readable, then a hash of the whole key, so keys that differ only in characters the
 * readable part drops, or beyond its length, never share a comment.
 */
export function commentMarker(key: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return `<!-- ${MARKER_PREFIX}:${sanitizeMarkerKey(key).slice(0, 60).replace(/-+$/, '')}:${hash} -->`;
}

/** The marker of earlier releases (the readable key only): their comments are still found and taken over. */
export function legacyCommentMarker(key: string): string {
  return `<!-- ${MARKER_PREFIX}:${sanitizeMarkerKey(key)} -->`;
}

/** The hidden comment that carries the plan's fingerprint, so a later run can read it back. */
export function fingerprintComment(fingerprint: string): string {
  if (!/^[0-9a-f]{1,128}$/i.test(fingerprint)) throw new Error('A plan fingerprint must be a hexadecimal string.');
  return `<!-- ${MARKER_PREFIX}:fingerprint:${fingerprint.toLowerCase()} -->`;
}

const CHANGES_IN_BODY = /<!-- flink-connector-action:changes((?::[0-9a-f]{12})*) -->/;

/** The hidden comment that carries the ids of the plan's changes (see `planChangeIds`). */
export function changesComment(ids: readonly string[]): string {
  if (!ids.every((id) => /^[0-9a-f]{12}$/.test(id))) throw new Error('A change id must be 12 hexadecimal digits.');
  return `<!-- ${MARKER_PREFIX}:changes${ids.map((id) => `:${id}`).join('')} -->`;
}

/**
 * The hidden lines that open a comment (marker, fingerprint, change ids): only these were written
 * by this action; the same text further down may come from a definition shown as it is.
 */
function hiddenHead(body: string): string {
  const lines = body.split(/\r?\n/);
  const end = lines.findIndex((line) => !/^<!-- [^\n]*-->$/.test(line));
  return lines.slice(0, end < 0 ? lines.length : end).join('\n');
}

/** The change ids written by `renderComment`, or undefined when the body carries none (an earlier release's comment). */
export function readChangeIds(body: string): string[] | undefined {
  const found = CHANGES_IN_BODY.exec(hiddenHead(body));
  return found ? (found[1] ?? '').split(':').filter((id) => id !== '') : undefined;
}

/** The fingerprint written by `renderComment`, or undefined when the body carries none. */
export function readFingerprint(body: string): string | undefined {
  return FINGERPRINT_IN_BODY.exec(hiddenHead(body))?.[1];
}

export interface ReportContext {
  /** The commit the plan was made for. */
  readonly sha: string;
  /** The workflow run, linked from the footer (and from any note that points to the job summary). */
  readonly runUrl?: string;
  /** When the report was made; passed in so the output is reproducible. */
  readonly time: Date;
  readonly eventName?: string;
}

interface ReportInput {
  readonly plan: Plan;
  readonly context: ReportContext;
  /** Hex plan fingerprint (see `planFingerprint`). */
  readonly fingerprint?: string;
  /** Ids of the reviewed changes (see `planChangeIds`), carried hidden in the comment. */
  readonly changes?: readonly string[];
  /** What the apply made of the plan, shown under "Applied". */
  readonly applied?: ApplyResult;
  /** Shown as a note when the plan was made without credentials (definitions checked only). */
  readonly validationOnly?: string;
  /** Why the plan may not go ahead (`allow-deletes`, `protect-in-use`), shown above the tables. */
  readonly refusal?: string;
}

export interface CommentInput extends ReportInput {
  /** From `commentMarker(key)`; always the first line. */
  readonly marker: string;
  /** Characters; defaults to GitHub's limit. */
  readonly limit?: number;
}

export interface SummaryInput extends ReportInput {
  /** UTF-8 bytes; defaults to GitHub's limit. */
  readonly limitBytes?: number;
}

/** How much of each untrusted value is shown (code points, before escaping). */
interface Caps {
  readonly name: number;
  readonly reason: number;
  readonly message: number;
  readonly differences: number;
  readonly tables: number;
  readonly listNames: number;
  /** Deployments and tables named in an impact, per list. */
  readonly impactNames: number;
  /** Characters of one impact line (the summary shows every name). */
  readonly impact: number;
}
const COMMENT_CAPS: Caps = { name: 120, reason: 300, message: 600, differences: 10, tables: 10, listNames: 20, impactNames: 5, impact: 1200 };
const SUMMARY_CAPS: Caps = { name: 256, reason: 1000, message: 4000, differences: 50, tables: 100, listNames: 20, impactNames: Infinity, impact: 200_000 };

const STATUS: Readonly<Record<ApplyOutcome['status'], string>> = {
  done: '✅ done',
  failed: '❌ failed',
  skipped: '⏭️ skipped',
};

/** The Type column is shown only when some row's type differs from its name (cells: only those rows). */
const changeTableHead = (withType: boolean): string => (withType ? '| | Connector | Type | Change |\n|:-:|---|---|---|' : '| | Connector | Change |\n|:-:|---|---|');
const nameTableHead = (withType: boolean): string => (withType ? '| Connector | Type |\n|---|---|' : '| Connector |\n|---|');
const APPLY_TABLE_HEAD = '| | Connector | Target | Action | Status | Duration | Details |\n|:-:|---|---|---|---|--:|---|';
const COUNT_TABLE_HEAD = '| Target | Register | Replace | Delete |\n|---|--:|--:|--:|';

// ---------------------------------------------------------------------------------------------
// Pieces shared by the comment and the summary

function code(symbol: string): string {
  return `\`${symbol}\``;
}

function cell(value: string): string {
  return value === '' ? '—' : value;
}

function title(plan: Plan): string {
  const base = '### Flink connectors plan';
  const keys = plan.targets.map((t) => targetKey(t.target));
  if (keys.length === 0) return base;
  if (keys.length > 4 || keys.join(', ').length > 100) return `${base}: ${keys.length} targets`;
  return `${base}: ${keys.map((k) => esc(k, 100)).join(', ')}`;
}

function boldPlanLine(plan: Plan): string {
  const record = recordLine(plan.counts);
  return `**${planLine(plan.counts)}**${record ? ` ${record}` : ''}`;
}

function itemLabel(item: { name: string; target: TargetPlan['target'] }, withTarget: boolean, caps: Caps): string {
  const name = esc(item.name, caps.name);
  return withTarget ? `${name} (${esc(targetKey(item.target), caps.name)})` : name;
}

function nameList<T extends { name: string; target: TargetPlan['target'] }>(items: readonly T[], withTarget: boolean, caps: Caps): string {
  const shown = items.slice(0, caps.listNames).map((i) => itemLabel(i, withTarget, caps));
  const more = items.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

function changeCallout(plan: Plan, caps: Caps): string | undefined {
  const items = plan.targets.flatMap((t) => t.items);
  const deletes = items.filter((i) => i.action === 'delete');
  const replaces = items.filter((i) => i.action === 'replace');
  if (deletes.length === 0 && replaces.length === 0) return undefined;
  const withTarget = plan.targets.length > 1;
  const lines = ['> [!WARNING]'];
  if (deletes.length > 0) {
    lines.push(`> ${plural(deletes.length, 'connector')} will be deleted: ${nameList(deletes, withTarget, caps)}.`);
  }
  if (replaces.length > 0) {
    if (deletes.length > 0) lines.push('>');
    lines.push(
      `> ${plural(replaces.length, 'connector')} will be replaced (deleted, then registered again): ${nameList(replaces, withTarget, caps)}.`,
    );
  }
  return lines.join('\n');
}

function validationNote(note: string | undefined): string | undefined {
  return note === undefined ? undefined : `> [!NOTE]\n> ${esc(note, 1000)}`;
}

function refusalNote(refusal: string | undefined): string | undefined {
  return refusal === undefined ? undefined : `> [!CAUTION]\n> **Refused:** ${esc(refusal, 2000)}`;
}

const typeDiffers = (item: PlanItem): boolean => item.type !== undefined && item.type !== '' && item.type !== item.name;
const withType = (items: readonly PlanItem[]): boolean => items.some(typeDiffers);

/** The last path segment of a JAR URL: what tells two versions apart at a glance. */
function jarFile(url: string): string {
  return url.replace(/[?#].*$/, '').split('/').filter((p) => p !== '').at(-1) ?? url;
}

/** `JAR: a-1.jar -> a-2.jar`, the full URLs folded under it (or in the line itself when the file names match). */
function jarDiff(from: string, to: string, caps: Caps): string {
  const full = `${esc(from, caps.reason)} -&gt; ${esc(to, caps.reason)}`;
  if (jarFile(from) === jarFile(to)) return `JAR: ${full}`;
  return `<details><summary>JAR: ${esc(jarFile(from), caps.name)} -&gt; ${esc(jarFile(to), caps.name)}</summary>${full}</details>`;
}

/** For a new connector: the capabilities, formats and dependencies its definition declares. */
function declaredOffer(item: PlanItem, caps: Caps): string | undefined {
  const d = item.desired;
  if (item.action !== 'register' || d === undefined) return undefined;
  const parts: string[] = [];
  const roles = (['source', 'sink', 'lookup'] as const).filter((k) => d[k] === true);
  if (roles.length > 0) parts.push(roles.join(', '));
  if (d.supportedFormats !== undefined && d.supportedFormats.length > 0) parts.push(`formats: ${esc(d.supportedFormats.join(', '), caps.reason)}`);
  if (d.dependencies !== undefined && d.dependencies.length > 0) parts.push(`dependencies: ${esc(d.dependencies.join(', '), caps.reason)}`);
  return parts.length > 0 ? `Provides: ${parts.join(' · ')}` : undefined;
}

function changeCell(item: PlanItem, caps: Caps): string {
  const parts = [esc(item.reason, caps.reason)];
  const jarChange = item.action === 'replace' && item.recorded !== undefined && item.jarUrl !== undefined && item.recorded.jarUrl !== item.jarUrl;
  const jarDifference = jarChange ? `jar_url: recorded ${item.recorded?.jarUrl ?? ''}, declared ${item.jarUrl ?? ''}` : undefined;
  const differences = (item.differences ?? []).filter((d) => d !== jarDifference);
  for (const d of differences.slice(0, caps.differences)) parts.push(`• ${esc(d, caps.reason)}`);
  if (differences.length > caps.differences) parts.push(`• … and ${differences.length - caps.differences} more`);
  if (jarChange) parts.push(jarDiff(item.recorded?.jarUrl ?? '', item.jarUrl ?? '', caps));
  else if (item.jarUrl !== undefined && (item.action === 'register' || item.action === 'replace')) {
    parts.push(`JAR: ${esc(item.jarUrl, caps.reason)}`);
  }
  const offer = declaredOffer(item, caps);
  if (offer !== undefined) parts.push(offer);
  if (item.description) parts.push(`<sub>${esc(item.description, caps.reason)}</sub>`);
  if (item.impact !== undefined && (item.action === 'replace' || item.action === 'delete')) {
    const sentence = impactSentence(item.action, item.impact);
    parts.push(`**Impact:** ${esc(impactLine(item.impact, caps.impactNames), caps.impact)}.${sentence ? ` ${esc(sentence, caps.reason)}` : ''}`);
  }
  parts.push(verificationCell(item.verification, caps.impactNames, caps.message) ?? '');
  return parts.filter((p) => p !== '').join('<br>');
}

function typeCell(item: PlanItem, caps: Caps): string {
  return typeDiffers(item) ? ` ${esc(item.type, caps.name)} |` : '  |';
}

function itemRow(item: PlanItem, caps: Caps, showType: boolean): string {
  return `| ${code(SYMBOLS[item.action])} | ${cell(esc(item.name, caps.name))} |${showType ? typeCell(item, caps) : ''} ${cell(changeCell(item, caps))} |`;
}

function changeTable(items: readonly PlanItem[], caps: Caps): string {
  const showType = withType(items);
  return [changeTableHead(showType), ...items.map((i) => itemRow(i, caps, showType))].join('\n');
}

function nameRow(item: PlanItem, caps: Caps, showType: boolean): string {
  return `| ${cell(esc(item.name, caps.name))} |${showType ? typeCell(item, caps) : ''}`;
}

function folded(items: readonly PlanItem[], label: string, caps: Caps): string {
  const showType = withType(items);
  return [`<details><summary>${items.length} ${label}</summary>`, '', nameTableHead(showType), ...items.map((i) => nameRow(i, caps, showType)), '', '</details>'].join('\n');
}

function warningLine(warning: PlanWarning, caps: Caps): string {
  const about = [warning.target ? targetKey(warning.target) : undefined, warning.name].filter((p) => p !== undefined);
  const prefix = about.length > 0 ? `**${esc(about.join(' · '), caps.name * 2)}**: ` : '';
  const location = warning.location ? ` (${esc(`${warning.location.file}:${warning.location.line}`, caps.name * 2)})` : '';
  return `- ${prefix}${esc(warning.message, caps.message)}${location}`;
}

function warningsBlock(warnings: readonly PlanWarning[], caps: Caps, max: number): string | undefined {
  if (warnings.length === 0) return undefined;
  const shown = warnings.slice(0, max);
  const lines = ['#### Warnings', '', ...shown.map((w) => warningLine(w, caps))];
  if (shown.length < warnings.length) lines.push(`- … and ${warnings.length - shown.length} more`);
  return lines.join('\n');
}

function outcomeDetails(o: ApplyOutcome, caps: Caps): string {
  const parts: string[] = [];
  if (o.message !== undefined) parts.push(esc(o.message, caps.message));
  const tables = o.tables ?? [];
  if (tables.length > 0) {
    const names = tables.slice(0, caps.tables).map((t) => esc(`${t.catalogName}.${t.databaseName}.${t.tableName}`, caps.name));
    const more = tables.length > caps.tables ? ` and ${tables.length - caps.tables} more` : '';
    parts.push(`Tables built on it: ${names.join(', ')}${more}`);
  }
  parts.push(verificationCell(o.verification, caps.impactNames, caps.message) ?? '');
  return parts.filter((p) => p !== '').join('<br>');
}

function outcomeRow(o: ApplyOutcome, caps: Caps): string {
  const duration = o.status === 'skipped' ? '—' : formatDuration(o.durationMs);
  return `| ${code(SYMBOLS[o.action])} | ${cell(esc(o.name, caps.name))} | ${cell(esc(targetKey(o.target), caps.name))} | ${o.action} | ${STATUS[o.status]} | ${duration} | ${cell(outcomeDetails(o, caps))} |`;
}

/** Heading, `Apply:` line and a callout naming failures; the table itself is added by the caller. */
function appliedHead(result: ApplyResult, caps: Caps): string {
  const lines = ['#### Applied', '', `**${applyLine(result)}**`];
  const failed = result.outcomes.filter((o) => o.status === 'failed');
  if (failed.length > 0) {
    const multi = new Set(result.outcomes.map((o) => targetKey(o.target))).size > 1;
    lines.push('', '> [!CAUTION]', `> ${plural(failed.length, 'change')} failed: ${nameList(failed, multi, caps)}.`);
  }
  return lines.join('\n');
}

function isoUtc(time: Date): string {
  return Number.isNaN(time.getTime()) ? 'unknown time' : time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Only http(s), and with the characters that would end a markdown link destination encoded. */
function safeUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return url.href.replace(/[()<>\s"'`\\|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function runLink(context: ReportContext, text: string): string {
  const url = safeUrl(context.runUrl);
  return url === undefined ? text : `[${text}](${url})`;
}

function shortSha(sha: string): string {
  return /^[0-9a-f]{7,64}$/i.test(sha) ? code(sha.slice(0, 7).toLowerCase()) : cell(esc(sha, 40));
}

function footer(context: ReportContext, visibleFingerprint?: string): string {
  const parts = [`Commit ${shortSha(context.sha)}`];
  if (safeUrl(context.runUrl) !== undefined) parts.push(runLink(context, 'workflow run'));
  parts.push(isoUtc(context.time));
  if (context.eventName !== undefined && context.eventName !== '') {
    parts.push(/^[a-z_]{1,50}$/.test(context.eventName) ? code(context.eventName) : esc(context.eventName, 50));
  }
  if (visibleFingerprint !== undefined && /^[0-9a-f]+$/i.test(visibleFingerprint)) {
    parts.push(`plan ${code(visibleFingerprint.slice(0, 12).toLowerCase())}`);
  }
  return `<sub>${parts.join(' · ')}</sub>`;
}

function defined(values: readonly (string | undefined)[]): string[] {
  return values.filter((v): v is string => v !== undefined);
}

// ---------------------------------------------------------------------------------------------
// The comment

type Level = 'full' | 'changes' | 'counts';

/** At the `changes` and `counts` levels, only this many warnings are listed. */
const WARNINGS_WHEN_CHANGES = 50;
const WARNINGS_WHEN_COUNTS = 10;

function hiddenHeader(input: CommentInput): string {
  if (!/^<!-- [^\n]*? -->$/.test(input.marker) || input.marker.slice(4, -3).includes('--')) {
    throw new Error('The comment marker must be a single HTML comment; build it with commentMarker().');
  }
  return defined([
    input.marker,
    input.fingerprint === undefined ? undefined : fingerprintComment(input.fingerprint),
    input.changes === undefined ? undefined : changesComment(input.changes),
  ]).join('\n');
}

function countRow(tp: TargetPlan): string {
  const n = (action: PlanItem['action']): number => tp.items.filter((i) => i.action === action).length;
  return `| ${cell(esc(targetKey(tp.target), COMMENT_CAPS.name))} | ${n('register')} | ${n('replace')} | ${n('delete')} |`;
}

function droppedNote(context: ReportContext, what: string): string {
  return `> [!NOTE]\n> To stay within GitHub's comment size limit, this comment leaves out ${what}. The full plan is in the job summary of ${runLink(context, 'this workflow run')}.`;
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The body blocks for one level; `countRows` limits the count table at the last level. */
function commentBody(input: CommentInput, level: Level, countRows: number): string[] {
  const { plan, applied } = input;
  const caps = COMMENT_CAPS;
  const blocks: string[] = [];
  const dropped: string[] = [];
  const withChanges = plan.targets.filter((t) => t.items.some(isChange));
  const quiet = plan.targets.length - withChanges.length;
  const unchangedTotal = plan.targets.reduce((n, t) => n + t.items.filter((i) => i.action === 'unchanged').length, 0);
  const unmanagedTotal = plan.targets.reduce((n, t) => n + t.items.filter((i) => i.action === 'unmanaged').length, 0);

  if (level === 'full') {
    for (const tp of plan.targets) {
      blocks.push(`#### ${esc(targetKey(tp.target), caps.name)}`);
      const changes = tp.items.filter(isChange);
      blocks.push(changes.length > 0 ? changeTable(changes, caps) : 'No changes.');
      const unchanged = tp.items.filter((i) => i.action === 'unchanged');
      if (unchanged.length > 0) blocks.push(folded(unchanged, 'unchanged', caps));
      const unmanaged = tp.items.filter((i) => i.action === 'unmanaged');
      if (unmanaged.length > 0) blocks.push(folded(unmanaged, 'unmanaged', caps));
    }
  } else if (level === 'changes') {
    for (const tp of withChanges) {
      blocks.push(`#### ${esc(targetKey(tp.target), caps.name)}`);
      blocks.push(changeTable(tp.items.filter(isChange), caps));
    }
    if (quiet > 0) blocks.push(`${plural(quiet, 'other target')} ${quiet === 1 ? 'has' : 'have'} no changes.`);
    if (unchangedTotal > 0) dropped.push(`the list of ${unchangedTotal} unchanged connectors`);
    if (unmanagedTotal > 0) dropped.push(`the list of ${unmanagedTotal} unmanaged connectors`);
  } else {
    const rows = withChanges.slice(0, countRows).map(countRow);
    if (rows.length > 0) blocks.push([COUNT_TABLE_HEAD, ...rows].join('\n'));
    const cut = withChanges.length - rows.length;
    const tail: string[] = [];
    if (cut > 0) tail.push(`${plural(cut, 'more target')} with changes ${cut === 1 ? 'is' : 'are'} not listed.`);
    if (quiet > 0) tail.push(`${plural(quiet, 'target')} ${quiet === 1 ? 'has' : 'have'} no changes.`);
    if (tail.length > 0) blocks.push(tail.join(' '));
    dropped.push('the connector-by-connector changes');
    if (unchangedTotal > 0) dropped.push(`the list of ${unchangedTotal} unchanged connectors`);
  }

  const warningCap = level === 'full' ? Infinity : level === 'changes' ? WARNINGS_WHEN_CHANGES : WARNINGS_WHEN_COUNTS;
  const warnings = warningsBlock(plan.warnings, caps, warningCap);
  if (warnings !== undefined) blocks.push(warnings);
  if (plan.warnings.length > warningCap) dropped.push(`${plan.warnings.length - warningCap} of the warnings`);

  if (applied !== undefined) {
    blocks.push(appliedHead(applied, caps));
    if (level !== 'counts' && applied.outcomes.length > 0) {
      blocks.push([APPLY_TABLE_HEAD, ...applied.outcomes.map((o) => outcomeRow(o, caps))].join('\n'));
    } else if (applied.outcomes.length > 0) {
      dropped.push('the outcome of each change');
    }
  }

  if (dropped.length > 0) blocks.push(droppedNote(input.context, joinWords(dropped)));
  return blocks;
}

function composeComment(input: CommentInput, level: Level, countRows = Infinity): string {
  const blocks = defined([
    hiddenHeader(input),
    title(input.plan),
    boldPlanLine(input.plan),
    validationNote(input.validationOnly),
    refusalNote(input.refusal),
    changeCallout(input.plan, COMMENT_CAPS),
    ...commentBody(input, level, countRows),
    footer(input.context),
  ]);
  return `${blocks.join('\n\n')}\n`;
}

/** When nothing else fits: what must survive, and a pointer to the summary. */
function minimalComment(input: CommentInput, limit: number): string {
  const text = `${[
    hiddenHeader(input),
    boldPlanLine(input.plan),
    droppedNote(input.context, 'the details of the plan'),
  ].join('\n\n')}\n`;
  return text.length <= limit ? text : text.slice(0, limit);
}

/**
 * The sticky PR comment: marker, optional fingerprint, title, the `Plan:` line, a warning naming
 * deletes and replaces, one change table per target, unchanged connectors folded away, warnings,
 * the apply outcome when given, and a footer. Never longer than `limit` characters.
 */
export function renderComment(input: CommentInput): string {
  const limit = input.limit ?? COMMENT_LIMIT;
  for (const level of ['full', 'changes'] as const) {
    const text = composeComment(input, level);
    if (text.length <= limit) return text;
  }
  // Counts only: drop table rows from the end until it fits (UTF-16 length ≥ GitHub's count).
  const rows = input.plan.targets.filter((t) => t.items.some(isChange)).map(countRow);
  let shown = rows.length;
  let text = composeComment(input, 'counts', shown);
  while (text.length > limit && shown > 0) {
    let excess = text.length - limit + 100; // slack for the "N more targets" sentence growing
    while (excess > 0 && shown > 0) {
      shown -= 1;
      excess -= (rows[shown]?.length ?? 0) + 1;
    }
    text = composeComment(input, 'counts', shown);
  }
  return text.length <= limit ? text : minimalComment(input, limit);
}

// ---------------------------------------------------------------------------------------------
// The job summary

interface Unit {
  readonly text: string;
  /** Rows may be cut; the note counts how many were. */
  readonly row: boolean;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function summaryUnits(input: SummaryInput): Unit[] {
  const caps = SUMMARY_CAPS;
  const units: Unit[] = [];
  for (const tp of input.plan.targets) {
    units.push({ text: `\n#### ${esc(targetKey(tp.target), caps.name)}\n`, row: false });
    if (tp.items.length === 0) {
      units.push({ text: 'No connectors.', row: false });
      continue;
    }
    const showType = withType(tp.items);
    units.push({ text: changeTableHead(showType), row: false });
    for (const item of tp.items) units.push({ text: itemRow(item, caps, showType), row: true });
  }
  if (input.plan.warnings.length > 0) {
    units.push({ text: '\n#### Warnings\n', row: false });
    for (const w of input.plan.warnings) units.push({ text: warningLine(w, caps), row: true });
  }
  if (input.applied !== undefined) {
    units.push({ text: `\n${appliedHead(input.applied, caps)}\n`, row: false });
    if (input.applied.outcomes.length > 0) {
      units.push({ text: APPLY_TABLE_HEAD, row: false });
      for (const o of input.applied.outcomes) units.push({ text: outcomeRow(o, caps), row: true });
    }
  }
  return units;
}

function cutNote(rows: number): string {
  const what = rows > 0 ? `the last ${plural(rows, 'row')} ${rows === 1 ? 'is' : 'are'} not shown` : 'its end is not shown';
  return `> [!WARNING]\n> This summary reached GitHub's size limit for a step summary: ${what}. The \`plan-json\` output holds the whole plan.`;
}

/**
 * The job summary: the same header as the comment, then every row of the plan (changes,
 * unchanged and unmanaged connectors), the warnings and the apply outcome. Cut, with a note,
 * only if it would exceed `limitBytes` UTF-8 bytes.
 */
export function renderSummary(input: SummaryInput): string {
  const limit = input.limitBytes ?? SUMMARY_LIMIT_BYTES;
  const head = defined([
    title(input.plan),
    boldPlanLine(input.plan),
    validationNote(input.validationOnly),
    refusalNote(input.refusal),
    changeCallout(input.plan, SUMMARY_CAPS),
  ]).join('\n\n');
  const tail = `\n\n${footer(input.context, input.fingerprint)}\n`;
  const units = summaryUnits(input);
  const totalRows = units.filter((u) => u.row).length;
  // Reserve room for the note as if every row were cut, so adding it can never overflow.
  const budget = limit - bytes(head) - bytes(tail) - bytes(`\n\n${cutNote(totalRows)}`);

  const kept: string[] = [];
  let used = 0;
  let cut: number | undefined;
  for (const [index, unit] of units.entries()) {
    const size = bytes(unit.text) + 1;
    if (used + size > budget) {
      cut = units.slice(index).filter((u) => u.row).length;
      break;
    }
    kept.push(unit.text);
    used += size;
  }
  const body = kept.length > 0 ? `\n${kept.join('\n')}` : '';
  const note = cut !== undefined ? `\n\n${cutNote(cut)}` : '';
  return `${head}${body}${note}${tail}`;
}
