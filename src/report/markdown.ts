/**
 * The sticky PR comment and the job summary, as markdown.
 *
 * The comment must stay under GitHub's 65,536-character limit whatever the plan's size, so it
 * degrades in steps (full → changes only → counts per target) and says what it left out; the job
 * summary always carries every row, up to the 1 MiB a step summary may hold.
 */
import { createHash } from 'node:crypto';
import { targetKey } from '../model.js';
import type { ApplyOutcome, ApplyResult, ConnectorUser, Plan, PlanAction, PlanItem, PlanWarning, TargetPlan } from '../model.js';
import { formatDuration } from '../duration.js';
import { impactLine, impactSentence } from '../impact/impact.js';
import { escapeMarkdown as esc, sanitizeMarkerKey } from './escape.js';
import { applyCounts, isChange, planLine, plural, recordLine } from './format.js';
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

/** What a row does, in a word a reader can scan without colour; workspace changes in bold. */
const ACTION_WORD: Readonly<Record<PlanAction | 'move', string>> = {
  register: '**register**',
  replace: '**replace**',
  delete: '**delete**',
  move: '**move**',
  adopt: 'adopt',
  update: 'update',
  unchanged: 'unchanged',
  unmanaged: 'unmanaged',
};

const CHANGE_TABLE_HEAD = '| Action | Connector | Change |\n|---|---|---|';
const NAME_TABLE_HEAD = '| Connector |\n|---|';
const OUTCOME_TABLE_HEAD = '| Connector | Action | Result |\n|---|---|---|';
const COUNT_TABLE_HEAD = '| Target | Register | Replace | Delete |\n|---|--:|--:|--:|';
/** A target whose changes are all registers shows its table folded past this many rows. */
const FOLD_REGISTERS_OVER = 10;
/** An apply whose every change was done shows its outcome table folded past this many rows. */
const FOLD_OUTCOMES_OVER = 10;

// ---------------------------------------------------------------------------------------------
// Pieces shared by the comment and the summary

function code(symbol: string): string {
  return `\`${symbol}\``;
}

function cell(value: string): string {
  return value === '' ? '—' : value;
}

/** A connector name as code when it is a plain name (as most are); anything else escaped as text. */
function nameCode(name: string, caps: Caps): string {
  return /^[A-Za-z0-9._-]{1,200}$/.test(name) && name.length <= caps.name ? code(name) : esc(name, caps.name);
}

function targetList(plan: Plan): string | undefined {
  const keys = plan.targets.map((t) => targetKey(t.target));
  if (keys.length === 0) return undefined;
  if (keys.length > 4 || keys.join(', ').length > 100) return `${keys.length} targets`;
  return keys.map((k) => esc(k, 100)).join(', ');
}

function title(plan: Plan): string {
  const targets = targetList(plan);
  return `### Flink connectors plan${targets === undefined ? '' : `: ${targets}`}`;
}

/** After an apply the title says what happened, not what was planned. */
function appliedTitle(plan: Plan, result: ApplyResult): string {
  const targets = targetList(plan);
  const what = result.outcomes.some((o) => o.status === 'failed') ? 'Flink connectors: apply failed' : 'Flink connectors applied';
  return `### ${what}${targets === undefined ? '' : `${what.includes(':') ? ' in' : ':'} ${targets}`}`;
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

/** A connector deleted in one namespace and registered under the same name in another namespace of the same workspace. */
interface Move {
  readonly from: PlanItem;
  readonly to: PlanItem;
}

/** How the plan reads: which deletes and registers pair up as moves. */
interface View {
  readonly moves: readonly Move[];
  /** The delete half of each move: shown in the register's row, not on its own. */
  readonly movedAway: ReadonlySet<PlanItem>;
  /** The register half of each move, with its delete. */
  readonly movedHere: ReadonlyMap<PlanItem, PlanItem>;
  readonly multiTarget: boolean;
}

function viewOf(plan: Plan): View {
  const items = plan.targets.flatMap((t) => t.items);
  const key = (i: PlanItem): string => `${i.target.workspaceId}\n${i.name}`;
  const registers = new Map<string, PlanItem[]>();
  for (const i of items) if (i.action === 'register') registers.set(key(i), [...(registers.get(key(i)) ?? []), i]);
  const moves: Move[] = [];
  const taken = new Set<PlanItem>();
  for (const from of items) {
    if (from.action !== 'delete') continue;
    const to = registers
      .get(key(from))
      ?.find((r) => !taken.has(r) && r.target.namespace !== from.target.namespace && (r.type === undefined || from.type === undefined || r.type === from.type));
    if (to === undefined) continue;
    taken.add(to);
    moves.push({ from, to });
  }
  return {
    moves,
    movedAway: new Set(moves.map((m) => m.from)),
    movedHere: new Map(moves.map((m) => [m.to, m.from])),
    multiTarget: plan.targets.length > 1,
  };
}

function moveLabel(move: Move, caps: Caps): string {
  return `${esc(targetKey(move.from.target), caps.name)} → ${esc(targetKey(move.to.target), caps.name)}`;
}

/** Moves are counted in the `Plan:` line as a register and a delete each; this line says which pairs they are. */
function moveLine(view: View, caps: Caps): string | undefined {
  if (view.moves.length === 0) return undefined;
  const shown = view.moves.slice(0, caps.listNames).map((m) => `${nameCode(m.to.name, caps)} ${moveLabel(m, caps)}`);
  const more = view.moves.length - shown.length;
  const pairs = view.moves.length === 1 ? 'a register and a delete' : 'registers and deletes';
  return `**${plural(view.moves.length, 'move')}:** ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''} (counted above as ${pairs}).`;
}

const runningUsers = (item: PlanItem): readonly ConnectorUser[] => (item.impact?.known ? item.impact.deployments.filter((d) => d.running > 0) : []);

function cappedNames(names: readonly string[], max: number): string {
  const shown = names.slice(0, max);
  return names.length > shown.length ? `${shown.join(', ')} and ${names.length - shown.length} more` : shown.join(', ');
}

/** `` `kafka-orders` (ws/analytics): replace — 3 running deployments, 7 jobs keep the old JAR until they restart: a, b, c `` */
function riskLine(item: PlanItem, view: View, caps: Caps): string {
  const users = runningUsers(item);
  const jobs = users.reduce((n, d) => n + d.running, 0);
  const moved = view.movedAway.has(item);
  const where = view.multiTarget || moved ? ` (${esc(targetKey(item.target), caps.name)})` : '';
  const word = moved ? 'move' : item.action;
  const consequence = item.action === 'replace' ? `${jobs === 1 ? 'keeps' : 'keep'} the old JAR until they restart` : `${jobs === 1 ? 'fails' : 'fail'} on the next restart`;
  const names = esc(cappedNames(users.map((d) => d.name), caps.impactNames), caps.impact);
  return `> - ${nameCode(item.name, caps)}${where}: **${word}** — ${plural(users.length, 'running deployment')}, ${plural(jobs, 'job')} ${consequence}: ${names}`;
}

/** The replaces and deletes that touch running jobs, named with their jobs, before anything else. */
function riskCallout(plan: Plan, view: View, caps: Caps): string | undefined {
  const risky = plan.targets.flatMap((t) => t.items).filter((i) => (i.action === 'replace' || i.action === 'delete') && runningUsers(i).length > 0);
  if (risky.length === 0) return undefined;
  const shown = risky.slice(0, caps.listNames);
  const lines = ['> [!CAUTION]', ...shown.map((i) => riskLine(i, view, caps))];
  if (risky.length > shown.length) lines.push(`> - … and ${risky.length - shown.length} more (see the rows below)`);
  return lines.join('\n');
}

/** The deletes, replaces and moves the Caution above does not name already. */
function changeCallout(plan: Plan, view: View, caps: Caps): string | undefined {
  const items = plan.targets.flatMap((t) => t.items).filter((i) => runningUsers(i).length === 0);
  const deletes = items.filter((i) => i.action === 'delete' && !view.movedAway.has(i));
  const replaces = items.filter((i) => i.action === 'replace');
  const moves = view.moves.filter((m) => runningUsers(m.from).length === 0);
  if (deletes.length === 0 && replaces.length === 0 && moves.length === 0) return undefined;
  const withTarget = view.multiTarget;
  const sentences: string[] = [];
  if (deletes.length > 0) sentences.push(`> ${plural(deletes.length, 'connector')} will be deleted: ${nameList(deletes, withTarget, caps)}.`);
  if (replaces.length > 0) sentences.push(`> ${plural(replaces.length, 'connector')} will be replaced (deleted, then registered again): ${nameList(replaces, withTarget, caps)}.`);
  if (moves.length > 0) {
    const shown = moves.slice(0, caps.listNames).map((m) => `${esc(m.to.name, caps.name)} (${moveLabel(m, caps)})`);
    const more = moves.length > shown.length ? ` and ${moves.length - shown.length} more` : '';
    sentences.push(`> ${plural(moves.length, 'connector')} will move (deleted in one namespace, registered in the other): ${shown.join(', ')}${more}.`);
  }
  return ['> [!WARNING]', sentences.join('\n>\n')].join('\n');
}

function validationNote(note: string | undefined): string | undefined {
  return note === undefined ? undefined : `> [!NOTE]\n> ${esc(note, 1000)}`;
}

function refusalNote(refusal: string | undefined): string | undefined {
  return refusal === undefined ? undefined : `> [!CAUTION]\n> **Refused:** ${esc(refusal, 2000)}`;
}

const typeDiffers = (item: PlanItem): boolean => item.type !== undefined && item.type !== '' && item.type !== item.name;

/** The last path segment of a JAR URL: what tells two versions apart at a glance. */
function jarFile(url: string): string {
  return url.replace(/[?#].*$/, '').split('/').filter((p) => p !== '').at(-1) ?? url;
}

/** Parts of a cell, one per line; a folded `<details>` is a block already, so no break follows it. */
function lines(parts: readonly (string | undefined)[]): string {
  let out = '';
  for (const part of parts) {
    if (part === undefined || part === '') continue;
    out = out === '' ? part : out.endsWith('</details>') ? `${out}${part}` : `${out}<br>${part}`;
  }
  return out;
}

function folds(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>${body}</details>`;
}

/** `JAR: a-1.jar -> a-2.jar`, the full URLs folded under it (or in the line itself when the file names match). */
function jarDiff(from: string, to: string, caps: Caps): string {
  const full = `${esc(from, caps.reason)} -&gt; ${esc(to, caps.reason)}`;
  if (jarFile(from) === jarFile(to)) return `JAR: ${full}`;
  return folds(`JAR: ${esc(jarFile(from), caps.name)} -&gt; ${esc(jarFile(to), caps.name)}`, full);
}

/** The capabilities and formats a definition declares, short: `source, sink · formats: json, avro`. */
function declaredOffer(item: PlanItem, caps: Caps): string | undefined {
  const d = item.desired;
  if (d === undefined) return undefined;
  const parts: string[] = [];
  const roles = (['source', 'sink', 'lookup'] as const).filter((k) => d[k] === true);
  if (roles.length > 0) parts.push(roles.join(', '));
  if (d.supportedFormats !== undefined && d.supportedFormats.length > 0) parts.push(`formats: ${esc(d.supportedFormats.join(', '), caps.reason)}`);
  if (d.dependencies !== undefined && d.dependencies.length > 0) parts.push(plural(d.dependencies.length, 'dependency').replace(/dependencys$/, 'dependencies'));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** One line for a JAR to be registered: its file name and what it provides; the URL, dependencies and description folded under it. */
function jarLine(item: PlanItem, caps: Caps): string | undefined {
  if (item.jarUrl === undefined) return undefined;
  const offer = declaredOffer(item, caps);
  const head = `JAR ${esc(jarFile(item.jarUrl), caps.name)}${offer === undefined ? '' : ` · Provides: ${offer}`}`;
  const deps = item.desired?.dependencies ?? [];
  const body = lines([
    esc(item.jarUrl, caps.reason),
    deps.length > 0 ? `dependencies: ${esc(deps.join(', '), caps.reason)}` : undefined,
    item.description ? esc(item.description, caps.reason) : undefined,
  ]);
  return folds(head, body);
}

/** `supported_formats: live json, declared avro, json` reads as `supported_formats: + avro`. */
function readableDifference(difference: string): string {
  const m = /^(supported_formats|dependencies): live (.*), declared (.*)$/.exec(difference);
  if (m === null) return difference;
  const set = (list: string | undefined): string[] => (list === undefined || list === '(none)' ? [] : list.split(', '));
  const live = set(m[2]);
  const declared = set(m[3]);
  const added = declared.filter((v) => !live.includes(v)).map((v) => `+ ${v}`);
  const removed = live.filter((v) => !declared.includes(v)).map((v) => `− ${v}`);
  return `${m[1] ?? ''}: ${[...added, ...removed].join(', ')}`;
}

function differenceLines(item: PlanItem, jarDifference: string | undefined, caps: Caps): string[] {
  const differences = (item.differences ?? []).filter((d) => d !== jarDifference);
  const out = differences.slice(0, caps.differences).map((d) => `• ${esc(readableDifference(d), caps.reason)}`);
  if (differences.length > caps.differences) out.push(`• … and ${differences.length - caps.differences} more`);
  return out;
}

function impactPart(item: PlanItem, action: 'replace' | 'delete', caps: Caps): string | undefined {
  if (item.impact === undefined) return undefined;
  const sentence = impactSentence(action, item.impact);
  return `**Impact:** ${esc(impactLine(item.impact, caps.impactNames), caps.impact)}.${sentence ? ` ${esc(sentence, caps.reason)}` : ''}`;
}

/** What a delete removes: type, JAR and description, as far as they are known. */
function deletedWhat(item: PlanItem, caps: Caps): string | undefined {
  const jar = item.jarUrl ?? item.recorded?.jarUrl;
  const description = item.description ?? item.recorded?.description;
  const parts = [
    item.type ? `type ${esc(item.type, caps.name)}` : undefined,
    jar ? `JAR ${esc(jarFile(jar), caps.name)}` : undefined,
    description ? esc(description, caps.reason) : undefined,
  ].filter((p) => p !== undefined);
  return parts.length > 0 ? `Deletes: ${parts.join(' · ')}` : undefined;
}

/** A change's cell: what it does, and the SQL validation of the jobs using it where there is one. */
function changeCell(item: PlanItem, view: View, caps: Caps): string {
  return lines([changeText(item, view, caps), verificationCell(item.verification, caps.impactNames, caps.message)]);
}

function changeText(item: PlanItem, view: View, caps: Caps): string {
  const reason = esc(item.reason, caps.reason);
  switch (item.action) {
    case 'register': {
      const from = view.movedHere.get(item);
      if (from !== undefined) {
        return lines([`from ${moveLabel({ from, to: item }, caps)}`, jarLine(item, caps), deletedWhat(from, caps), impactPart(from, 'delete', caps)]);
      }
      // The section heading names the target: "not registered in <target>" on every row says nothing.
      const plain = item.reason === `not registered in ${targetKey(item.target)}`;
      return lines([plain ? undefined : reason, jarLine(item, caps)]);
    }
    case 'replace': {
      const jarChange = item.recorded !== undefined && item.jarUrl !== undefined && item.recorded.jarUrl !== item.jarUrl;
      const jarDifference = jarChange ? `jar_url: recorded ${item.recorded?.jarUrl ?? ''}, declared ${item.jarUrl ?? ''}` : undefined;
      const jar = jarChange
        ? jarDiff(item.recorded?.jarUrl ?? '', item.jarUrl ?? '', caps)
        : item.jarUrl === undefined
          ? undefined
          : folds(`JAR ${esc(jarFile(item.jarUrl), caps.name)}`, esc(item.jarUrl, caps.reason));
      return lines([reason, ...differenceLines(item, jarDifference, caps), jar, item.description ? `<sub>${esc(item.description, caps.reason)}</sub>` : undefined, impactPart(item, 'replace', caps)]);
    }
    case 'delete':
      return lines([reason, deletedWhat(item, caps), impactPart(item, 'delete', caps)]);
    default:
      return lines([reason, ...differenceLines(item, undefined, caps), item.description ? `<sub>${esc(item.description, caps.reason)}</sub>` : undefined]);
  }
}

function nameCell(item: PlanItem, caps: Caps): string {
  const name = cell(esc(item.name, caps.name));
  return typeDiffers(item) ? `${name} <sub>type ${esc(item.type, caps.name)}</sub>` : name;
}

function itemRow(item: PlanItem, view: View, caps: Caps): string {
  const word = view.movedHere.has(item) ? ACTION_WORD.move : ACTION_WORD[item.action];
  return `| ${word} | ${nameCell(item, caps)} | ${cell(changeCell(item, view, caps))} |`;
}

/** The rows of a target's table: a move shows once, in the target it moves to. */
const shownChanges = (tp: TargetPlan, view: View): PlanItem[] => tp.items.filter((i) => isChange(i) && !view.movedAway.has(i));

function changeTable(items: readonly PlanItem[], view: View, caps: Caps): string {
  const table = [CHANGE_TABLE_HEAD, ...items.map((i) => itemRow(i, view, caps))].join('\n');
  if (items.length <= FOLD_REGISTERS_OVER || !items.every((i) => i.action === 'register' && !view.movedHere.has(i))) return table;
  return [`<details><summary>${items.length} to register</summary>`, '', table, '', '</details>'].join('\n');
}

/** `state: absent` and already gone: nothing to do, but not the same as "matches the definition". */
const isAbsent = (item: PlanItem): boolean => item.desired?.state === 'absent';

function unchangedName(item: PlanItem, caps: Caps): string {
  return `${esc(item.name, caps.name)}${isAbsent(item) ? ' (absent)' : ''}`;
}

/** Unchanged or unmanaged connectors, folded under their count: one paragraph of names. */
function folded(items: readonly PlanItem[], label: string, caps: Caps): string {
  return [`<details><summary>${items.length} ${label}</summary>`, '', items.map((i) => unchangedName(i, caps)).join(', '), '', '</details>'].join('\n');
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

function tablesBuilt(o: ApplyOutcome, caps: Caps): string | undefined {
  const tables = o.tables ?? [];
  if (tables.length === 0) return undefined;
  const names = tables.slice(0, caps.tables).map((t) => esc(`${t.catalogName}.${t.databaseName}.${t.tableName}`, caps.name));
  const more = tables.length > caps.tables ? ` and ${tables.length - caps.tables} more` : '';
  return `Tables built on it: ${names.join(', ')}${more}`;
}

function outcomeRow(o: ApplyOutcome, multiTarget: boolean, caps: Caps): string {
  const name = cell(esc(o.name, caps.name));
  const where = multiTarget ? ` <sub>${esc(targetKey(o.target), caps.name)}</sub>` : '';
  const took = o.status === 'skipped' ? '' : ` · ${formatDuration(o.durationMs)}`;
  const result = lines([`${STATUS[o.status]}${took}`, o.message === undefined ? undefined : esc(o.message, caps.message), tablesBuilt(o, caps), verificationCell(o.verification, caps.impactNames, caps.message)]);
  return `| ${name}${where} | ${o.action} | ${result} |`;
}

function outcomeTable(result: ApplyResult, caps: Caps): string | undefined {
  if (result.outcomes.length === 0) return undefined;
  const multi = new Set(result.outcomes.map((o) => targetKey(o.target))).size > 1;
  const table = [OUTCOME_TABLE_HEAD, ...result.outcomes.map((o) => outcomeRow(o, multi, caps))].join('\n');
  const allDone = result.outcomes.every((o) => o.status === 'done');
  if (!allDone || result.outcomes.length <= FOLD_OUTCOMES_OVER) return table;
  return [`<details><summary>${plural(result.outcomes.length, 'change')}, each done</summary>`, '', table, '', '</details>'].join('\n');
}

/** What to do after a failed apply. */
function nextStep(failed: readonly ApplyOutcome[], context: ReportContext): string {
  const rolledBack = failed.filter((o) => o.rolledBack === true);
  const restored = rolledBack.length > 0 ? `The recorded JAR was registered again for ${rolledBack.map((o) => esc(o.name, 120)).join(', ')}. ` : '';
  return `${restored}Fix the cause, then ${runLink(context, 're-run the apply')}: it plans again, so what was done is not repeated.`;
}

/** The first lines after an apply: what happened, in the past tense, and what to do next. */
function outcomeHead(result: ApplyResult, context: ReportContext, caps: Caps): string {
  const c = applyCounts(result);
  const total = result.outcomes.length;
  const at = `at ${shortSha(context.sha)}`;
  const run = safeUrl(context.runUrl) === undefined ? '' : ` · ${runLink(context, 'workflow run')}`;
  if (total === 0) return `**Nothing to apply ${at}.**${run}`;
  if (c.failed === 0 && c.skipped === 0) return `**Applied ${c.done} of ${total} ${at}**${run}`;
  const failed = result.outcomes.filter((o) => o.status === 'failed');
  const skipped = result.outcomes.filter((o) => o.status === 'skipped');
  const multi = new Set(result.outcomes.map((o) => targetKey(o.target))).size > 1;
  const label = (o: ApplyOutcome): string => `${nameCode(o.name, caps)}${multi ? ` (${esc(targetKey(o.target), caps.name)})` : ''}`;
  const why = (o: ApplyOutcome): string => `${label(o)} — ${esc(o.message ?? o.status, caps.message).replace(/\.$/, '')}`;
  const head = failed.length > 0 ? `**${failed.length} of ${total} failed:** ${failed.slice(0, caps.listNames).map(why).join('; ')}.` : `**${skipped.length} of ${total} not applied:** ${skipped.slice(0, caps.listNames).map(why).join('; ')}.`;
  const rest = `${c.done} done${c.skipped > 0 && failed.length > 0 ? `, ${c.skipped} skipped` : ''} ${at}${run}.`;
  return ['> [!CAUTION]', `> ${head} ${nextStep(failed, context)}`, '>', `> ${rest}`].join('\n');
}

/** The jobs an applied replace or delete leaves behind: they pick up the change only when restarted. */
function restartBlock(plan: Plan, result: ApplyResult, caps: Caps): string | undefined {
  const byKey = new Map(plan.targets.flatMap((t) => t.items).map((i) => [`${targetKey(i.target)}\n${i.name}\n${i.action}`, i]));
  const multi = plan.targets.length > 1;
  const pick = (action: 'replace' | 'delete'): { o: ApplyOutcome; users: readonly ConnectorUser[] }[] =>
    result.outcomes
      .filter((o) => o.status === 'done' && o.action === action)
      .map((o) => ({ o, users: runningUsers(byKey.get(`${targetKey(o.target)}\n${o.name}\n${action}`) ?? ({} as PlanItem)) }))
      .filter((x) => x.users.length > 0);
  const line = ({ o, users }: { o: ApplyOutcome; users: readonly ConnectorUser[] }): string =>
    `> - ${nameCode(o.name, caps)}${multi ? ` (${esc(targetKey(o.target), caps.name)})` : ''}: ${esc(cappedNames(users.map((d) => `${d.name} (${d.running} running)`), caps.impactNames), caps.impact)}`;
  const replaced = pick('replace');
  const deleted = pick('delete');
  if (replaced.length === 0 && deleted.length === 0) return undefined;
  const out = ['> [!IMPORTANT]'];
  if (replaced.length > 0) out.push('> Restart to pick up the new JAR:', ...replaced.map(line));
  if (deleted.length > 0) {
    if (replaced.length > 0) out.push('>');
    out.push('> Deleted while in use; these jobs fail on their next restart:', ...deleted.map(line));
  }
  return out.join('\n');
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

export function footer(context: ReportContext, visibleFingerprint?: string): string {
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

/** The top of a report, under the title: the outcome (after an apply), then risk before anything else. */
function planHead(input: ReportInput, view: View, caps: Caps): string[] {
  return defined([
    boldPlanLine(input.plan),
    moveLine(view, caps),
    riskCallout(input.plan, view, caps),
    validationNote(input.validationOnly),
    refusalNote(input.refusal),
    // A refusal names what it refuses; the Warning would say it twice.
    input.refusal === undefined ? changeCallout(input.plan, view, caps) : undefined,
  ]);
}

function outcomeBlocks(input: ReportInput, caps: Caps): string[] {
  const { applied } = input;
  if (applied === undefined) return [];
  return defined([appliedTitle(input.plan, applied), outcomeHead(applied, input.context, caps), restartBlock(input.plan, applied, caps)]);
}

/** After an apply, the plan it carried out, folded under its `Plan:` line. */
function foldedPlan(plan: Plan, blocks: readonly string[]): string {
  const record = recordLine(plan.counts);
  return [`<details><summary>The plan: ${planLine(plan.counts)}${record ? ` ${record}` : ''}</summary>`, '', blocks.join('\n\n'), '', '</details>'].join('\n');
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

/** The plan's blocks for one level (tables, folded lists, warnings); `countRows` limits the count table at the last level. */
function planBody(input: CommentInput, view: View, level: Level, countRows: number, dropped: string[]): string[] {
  const { plan } = input;
  const caps = COMMENT_CAPS;
  const blocks: string[] = [];
  const withChanges = plan.targets.filter((t) => t.items.some(isChange));
  const quiet = plan.targets.length - withChanges.length;
  const unchangedTotal = plan.targets.reduce((n, t) => n + t.items.filter((i) => i.action === 'unchanged').length, 0);
  const unmanagedTotal = plan.targets.reduce((n, t) => n + t.items.filter((i) => i.action === 'unmanaged').length, 0);

  if (level === 'full') {
    for (const tp of plan.targets) {
      blocks.push(`#### ${esc(targetKey(tp.target), caps.name)}`);
      const changes = shownChanges(tp, view);
      const movedAway = tp.items.filter((i) => view.movedAway.has(i)).length;
      if (changes.length > 0) blocks.push(changeTable(changes, view, caps));
      else blocks.push(movedAway > 0 ? `${plural(movedAway, 'connector')} moving away (see the move above).` : 'No changes.');
      const unchanged = tp.items.filter((i) => i.action === 'unchanged');
      if (unchanged.length > 0) blocks.push(folded(unchanged, 'unchanged', caps));
      const unmanaged = tp.items.filter((i) => i.action === 'unmanaged');
      if (unmanaged.length > 0) blocks.push(folded(unmanaged, 'unmanaged', caps));
    }
  } else if (level === 'changes') {
    for (const tp of withChanges) {
      const changes = shownChanges(tp, view);
      if (changes.length === 0) continue;
      blocks.push(`#### ${esc(targetKey(tp.target), caps.name)}`);
      blocks.push([CHANGE_TABLE_HEAD, ...changes.map((i) => itemRow(i, view, caps))].join('\n'));
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
  return blocks;
}

function composeComment(input: CommentInput, level: Level, countRows = Infinity): string {
  const caps = COMMENT_CAPS;
  const view = viewOf(input.plan);
  const dropped: string[] = [];
  const plan = [...planHead(input, view, caps), ...planBody(input, view, level, countRows, dropped)];
  let middle: string[];
  if (input.applied === undefined) {
    middle = [title(input.plan), ...plan];
  } else {
    const table = level === 'counts' ? undefined : outcomeTable(input.applied, caps);
    if (level === 'counts' && input.applied.outcomes.length > 0) dropped.push('the outcome of each change');
    middle = defined([...outcomeBlocks(input, caps), table, foldedPlan(input.plan, plan)]);
  }
  const blocks = defined([hiddenHeader(input), ...middle, dropped.length > 0 ? droppedNote(input.context, joinWords(dropped)) : undefined, footer(input.context)]);
  return `${blocks.join('\n\n')}\n`;
}

/** When nothing else fits: what must survive, and a pointer to the summary. */
function minimalComment(input: CommentInput, limit: number): string {
  const text = `${defined([
    hiddenHeader(input),
    input.applied === undefined ? undefined : outcomeHead(input.applied, input.context, COMMENT_CAPS),
    boldPlanLine(input.plan),
    droppedNote(input.context, 'the details of the plan'),
  ]).join('\n\n')}\n`;
  return text.length <= limit ? text : text.slice(0, limit);
}

/**
 * The sticky PR comment: the hidden lines (marker, fingerprint, change ids), then what a reviewer
 * decides on first: after an apply the outcome (what failed and what to do, which jobs to
 * restart) with the plan folded below it; before, the `Plan:` line and the replaces and deletes
 * that touch running jobs, then one change table per target with unchanged connectors folded,
 * warnings and a footer. Never longer than `limit` characters.
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
  /** Opens a fold that a later unit closes: a cut inside it must close it too. */
  readonly opens?: boolean;
  readonly closes?: boolean;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function foldUnits(items: readonly PlanItem[], label: string, caps: Caps): Unit[] {
  return [
    { text: `\n<details><summary>${items.length} ${label}</summary>\n\n${NAME_TABLE_HEAD}`, row: false, opens: true },
    ...items.map((i) => ({ text: `| ${cell(unchangedName(i, caps))} |`, row: true })),
    { text: '\n</details>\n', row: false, closes: true },
  ];
}

function summaryUnits(input: SummaryInput, view: View, planHeadBlocks: readonly string[]): Unit[] {
  const caps = SUMMARY_CAPS;
  const units: Unit[] = [];
  if (input.applied !== undefined) {
    if (input.applied.outcomes.length > 0) {
      const multi = new Set(input.applied.outcomes.map((o) => targetKey(o.target))).size > 1;
      units.push({ text: `\n${OUTCOME_TABLE_HEAD}`, row: false });
      for (const o of input.applied.outcomes) units.push({ text: outcomeRow(o, multi, caps), row: true });
    }
    units.push({ text: `\n#### The plan\n\n${planHeadBlocks.join('\n\n')}\n`, row: false });
  }
  for (const tp of input.plan.targets) {
    units.push({ text: `\n#### ${esc(targetKey(tp.target), caps.name)}\n`, row: false });
    if (tp.items.length === 0) {
      units.push({ text: 'No connectors.', row: false });
      continue;
    }
    const changes = shownChanges(tp, view);
    if (changes.length > 0) {
      units.push({ text: CHANGE_TABLE_HEAD, row: false });
      for (const item of changes) units.push({ text: itemRow(item, view, caps), row: true });
    } else {
      units.push({ text: 'No changes.', row: false });
    }
    const unchanged = tp.items.filter((i) => i.action === 'unchanged');
    if (unchanged.length > 0) units.push(...foldUnits(unchanged, 'unchanged', caps));
    const unmanaged = tp.items.filter((i) => i.action === 'unmanaged');
    if (unmanaged.length > 0) units.push(...foldUnits(unmanaged, 'unmanaged', caps));
  }
  if (input.plan.warnings.length > 0) {
    units.push({ text: '\n#### Warnings\n', row: false });
    for (const w of input.plan.warnings) units.push({ text: warningLine(w, caps), row: true });
  }
  return units;
}

function cutNote(rows: number): string {
  const what = rows > 0 ? `the last ${plural(rows, 'row')} ${rows === 1 ? 'is' : 'are'} not shown` : 'its end is not shown';
  return `> [!WARNING]\n> This summary reached GitHub's size limit for a step summary: ${what}. The \`plan-json\` output holds the whole plan.`;
}

/**
 * The job summary: the same head as the comment (the outcome first after an apply), then every
 * row of the plan, changes first and unchanged and unmanaged connectors folded, and the warnings.
 * Cut, with a note, only if it would exceed `limitBytes` UTF-8 bytes.
 */
export function renderSummary(input: SummaryInput): string {
  const limit = input.limitBytes ?? SUMMARY_LIMIT_BYTES;
  const caps = SUMMARY_CAPS;
  const view = viewOf(input.plan);
  const plan = planHead(input, view, caps);
  const head = (input.applied === undefined ? [title(input.plan), ...plan] : outcomeBlocks(input, caps)).join('\n\n');
  const tail = `\n\n${footer(input.context, input.fingerprint)}\n`;
  const units = summaryUnits(input, view, plan);
  const totalRows = units.filter((u) => u.row).length;
  const closing = '\n</details>\n';
  // Reserve room for the note as if every row were cut, so adding it can never overflow.
  const budget = limit - bytes(head) - bytes(tail) - bytes(`\n\n${cutNote(totalRows)}`) - bytes(closing);

  const kept: string[] = [];
  let used = 0;
  let cut: number | undefined;
  let open = false;
  for (const [index, unit] of units.entries()) {
    const size = bytes(unit.text) + 1;
    if (used + size > budget) {
      cut = units.slice(index).filter((u) => u.row).length;
      break;
    }
    kept.push(unit.text);
    used += size;
    if (unit.opens) open = true;
    if (unit.closes) open = false;
  }
  if (cut !== undefined && open) kept.push(closing);
  const body = kept.length > 0 ? `\n${kept.join('\n')}` : '';
  const note = cut !== undefined ? `\n\n${cutNote(cut)}` : '';
  return `${head}${body}${note}${tail}`;
}
