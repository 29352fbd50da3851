/**
 * The record of what the action applied, per target, the way Terraform keeps state: the API cannot
 * say which JAR a connector came from, nor which connectors this action manages. Stored as the
 * payload of a GitHub deployment per target (see src/github/deployments.ts). Pure.
 */
import { createHash } from 'node:crypto';
import type { ApplyOutcome, LiveConnector, RecordedConnector, Target, TargetPlan } from '../model.js';
import { scrub } from '../secrets.js';

/** The deployment `task` that marks our records, so all targets can be found in one listing. */
export const RECORD_TASK = 'flink-connectors';
export const RECORD_VERSION = 1;

export interface TargetRecord {
  readonly version: typeof RECORD_VERSION;
  /**
   * Which job wrote it (the comment key): jobs that split targets between them each see only
   * their own record, so one job never deletes what another applied.
   */
  readonly scope: string;
  readonly workspaceId: string;
  readonly namespace: string;
  /**
   * Every target this scope held connectors in when the record was written (`workspace/namespace`),
   * so a plan finds the records of targets whose definitions are all gone without listing history.
   */
  readonly targets: readonly string[];
  /** Connector name → what was applied. */
  readonly connectors: Readonly<Record<string, RecordedConnector>>;
  /** The commit the record was written for (the deployment's sha); known when read, never stored in the payload. */
  readonly sha?: string;
  /**
   * Changes an apply was about to make when it wrote this record, before touching the workspace.
   * The apply settles them with a record written after; a newest record that still has them means
   * that run could not record its outcome.
   */
  readonly pending?: Readonly<Record<string, PendingChange>>;
  /**
   * Where the changes an apply may carry out are counted from, when not from `sha`: on a mark, and
   * on the record of an apply that did not finish, the commit the record before it counted from
   * (their changes are reviewed and not yet applied). Absent when not known.
   */
  readonly since?: string;
  /**
   * Replaces whose outcome was never seen: the connector may come from the recorded JAR or from the
   * one being registered, and the API cannot say which. Planned again until one finishes.
   */
  readonly interrupted?: Readonly<Record<string, InterruptedReplace>>;
}

/** A replace that did not finish: the JAR it was registering, and the commit whose apply it was. */
export interface InterruptedReplace {
  readonly jarUrl: string;
  readonly commit: string;
}

/** Descriptions longer than this (in characters) are recorded shortened, with a hash of the whole. */
export const RECORD_DESCRIPTION_MAX = 200;
/** GitHub stores a deployment payload of at most this many characters of JSON (422 beyond). */
export const RECORD_MAX_CHARS = 65_535;

const hashOf = (text: string, length: number): string => createHash('sha256').update(text).digest('hex').slice(0, length);

const SHORTENED = /… \[sha256:[0-9a-f]{16}\]$/;

/**
 * A description as the record keeps it: as written when short, else its start and a hash of the
 * whole, so a change anywhere in it still shows as a change while the record stays small.
 * Idempotent, so a shortened description (as export writes it back) compares equal to itself.
 */
export function recordedDescription(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  const chars = Array.from(description);
  if (chars.length <= RECORD_DESCRIPTION_MAX) return description;
  if (SHORTENED.test(description) && chars.length <= RECORD_DESCRIPTION_MAX + 30) return description;
  return `${chars.slice(0, RECORD_DESCRIPTION_MAX).join('')}… [sha256:${hashOf(description, 16)}]`;
}

export class RecordTooLargeError extends Error {
  override readonly name = 'RecordTooLargeError';
}

/**
 * The deployment payload for a record, or a RecordTooLargeError when GitHub would refuse it: the
 * record is then not written at all, never cut.
 */
export function recordPayload(record: TargetRecord): Record<string, unknown> {
  const size = JSON.stringify(record).length;
  if (size > RECORD_MAX_CHARS) {
    const count = Object.keys(record.connectors).length;
    throw new RecordTooLargeError(
      `the record of ${record.workspaceId}/${record.namespace} (${count} connectors) would be ${size} characters, over GitHub's limit of ${RECORD_MAX_CHARS} for a deployment payload, so it was not written. ` +
        'Split these connectors between jobs with different comment-key values (each job keeps its own record), or shorten their jar_url values',
    );
  }
  return { ...record };
}

export interface PendingChange {
  readonly action: 'register' | 'replace' | 'delete';
  readonly jarUrl?: string;
  readonly type?: string;
  readonly description?: string;
}

/** GitHub refuses longer environment names. */
export const ENVIRONMENT_MAX_CHARS = 255;


/**
 * `flink-connectors/<workspace_id>/<namespace_name>`; a name longer than GitHub allows keeps a
 * readable start of each part and ends with a hash of the whole, so it stays unique.
 */
export function environmentOf(target: Target): string {
  const full = `flink-connectors/${target.workspaceId}/${target.namespace}`;
  if (Array.from(full).length <= ENVIRONMENT_MAX_CHARS) return full;
  return `flink-connectors/${target.workspaceId.slice(0, 100)}/${target.namespace.slice(0, 100)}~${hashOf(full, 16)}`;
}

/**
 * The environment of a scope's index: which targets it holds connectors in, so a plan finds the
 * records of targets nothing declares any more (a namespace moved away, every definition removed).
 */
export function indexEnvironmentOf(scope: string): string {
  return `flink-connectors-index/${scope.replace(/[^A-Za-z0-9._/-]+/g, '_').slice(0, 100)}~${hashOf(scope, 16)}`;
}

/** The targets a stored index names, or undefined when the payload is not this scope's index. */
export function parseIndex(payload: unknown, scope: string): string[] | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  if (p.version !== RECORD_VERSION || p.scope !== scope || p.kind !== 'index' || !Array.isArray(p.targets)) return undefined;
  return p.targets.filter(isString);
}


const isString = (v: unknown): v is string => typeof v === 'string';

/** Reads a stored payload; anything that is not a record of this scope is treated as no record. */
export function parseRecord(payload: unknown, target: Target, scope: string, sha?: string): TargetRecord | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  if (p.version !== RECORD_VERSION || p.scope !== scope || typeof p.connectors !== 'object' || p.connectors === null) return undefined;
  const connectors: Record<string, RecordedConnector> = {};
  for (const [name, value] of Object.entries(p.connectors as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null) continue;
    const v = value as Record<string, unknown>;
    if (!isString(v.jarUrl) || !isString(v.type)) continue;
    // Records written before pre-signed URLs were refused may hold one: its query credentials never
    // reach a plan, an export or the next record (a signature expires anyway).
    connectors[name] = { jarUrl: scrub(v.jarUrl), type: v.type, description: isString(v.description) ? v.description : undefined, commit: isString(v.commit) ? v.commit : '' };
  }
  const targets = Array.isArray(p.targets) ? p.targets.filter(isString) : [];
  const interrupted: Record<string, InterruptedReplace> = {};
  for (const [name, value] of Object.entries(typeof p.interrupted === 'object' && p.interrupted !== null ? (p.interrupted as Record<string, unknown>) : {})) {
    const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    if (isString(v.jarUrl)) interrupted[name] = { jarUrl: scrub(v.jarUrl), commit: isString(v.commit) ? v.commit : '' };
  }
  const pending: Record<string, PendingChange> = {};
  for (const [name, value] of Object.entries(typeof p.pending === 'object' && p.pending !== null ? (p.pending as Record<string, unknown>) : {})) {
    const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    if (v.action !== 'register' && v.action !== 'replace' && v.action !== 'delete') continue;
    pending[name] = { action: v.action, jarUrl: isString(v.jarUrl) ? v.jarUrl : undefined, type: isString(v.type) ? v.type : undefined, description: isString(v.description) ? v.description : undefined };
  }
  return {
    version: RECORD_VERSION,
    scope,
    workspaceId: target.workspaceId,
    namespace: target.namespace,
    targets,
    connectors,
    ...(sha ? { sha } : {}),
    ...(Object.keys(pending).length > 0 ? { pending } : {}),
    ...(isString(p.since) ? { since: p.since } : {}),
    ...(Object.keys(interrupted).length > 0 ? { interrupted } : {}),
  };
}

/**
 * The commit the changes an apply may carry out on this target are counted from: the record's own
 * commit, unless it marks changes whose outcome was not recorded or records an apply that did not
 * finish (then the commit before those, when known).
 */
export function reviewBase(record: TargetRecord | undefined): string | undefined {
  if (!record) return undefined;
  return record.pending || record.since !== undefined ? record.since : record.sha;
}

/**
 * The record before an apply touches the workspace: what it holds now, plus the changes about to be
 * made. `base`: where reviewed changes count from when no record says (the push's `before`).
 */
export function intendedRecord(scope: string, targetPlan: TargetPlan, previous: TargetRecord | undefined, base?: string): TargetRecord {
  const pending: Record<string, PendingChange> = {};
  for (const item of targetPlan.items) {
    if (item.action !== 'register' && item.action !== 'replace' && item.action !== 'delete') continue;
    pending[item.name] = { action: item.action, jarUrl: item.jarUrl, type: item.desired?.type ?? item.type, description: item.desired?.description ?? item.description };
  }
  const { workspaceId, namespace } = targetPlan.target;
  const since = reviewBase(previous) ?? base;
  return {
    version: RECORD_VERSION,
    scope,
    workspaceId,
    namespace,
    targets: previous?.targets ?? [],
    connectors: previous?.connectors ?? {},
    pending: sortKeys(pending),
    ...(since ? { since } : {}),
    ...(previous?.interrupted ? { interrupted: previous.interrupted } : {}),
  };
}

/**
 * A record whose marked changes were never settled (the apply could not record their outcome),
 * read against the connector list: a register happened when its connector is listed, a delete when
 * it is not; which JAR a replace left cannot be seen, so the replace stays interrupted (planned
 * again). The marks stay, so the next record written replaces them. `notes`: one line per change.
 */
export function settleMarks(record: TargetRecord, live: readonly Pick<LiveConnector, 'name'>[]): { record: TargetRecord; notes: string[] } {
  if (!record.pending) return { record, notes: [] };
  const listed = new Set(live.map((c) => c.name));
  const connectors: Record<string, RecordedConnector> = { ...record.connectors };
  const interrupted: Record<string, InterruptedReplace> = { ...record.interrupted };
  const notes: string[] = [];
  for (const [name, change] of Object.entries(record.pending)) {
    if (change.action === 'register') {
      if (listed.has(name) && change.jarUrl && change.type) {
        connectors[name] = { jarUrl: change.jarUrl, type: change.type, description: recordedDescription(change.description), commit: record.sha ?? '' };
        notes.push(`register ${name}: listed, so it happened`);
      } else {
        notes.push(`register ${name}: ${listed.has(name) ? 'listed, but the mark names no JAR' : 'not listed, so it did not happen'}`);
      }
    } else if (change.action === 'delete') {
      if (listed.has(name)) notes.push(`delete ${name}: still listed, so it did not happen`);
      else {
        delete connectors[name];
        notes.push(`delete ${name}: no longer listed, so it happened`);
      }
    } else if (change.jarUrl) {
      interrupted[name] = { jarUrl: change.jarUrl, commit: record.sha ?? '' };
      notes.push(`replace ${name}: ${listed.has(name) ? 'which JAR is live cannot be seen' : 'deleted, not registered again'}, so it is planned again`);
    }
  }
  const settled = { ...record, connectors: sortKeys(connectors), ...(Object.keys(interrupted).length > 0 ? { interrupted: sortKeys(interrupted) } : {}) };
  return { record: settled, notes };
}

/**
 * The record after an apply: each connector that is live and was put there by this action.
 * A change that finished records the declaration; anything else keeps what was recorded before
 * (a failed replace that was rolled back, a failed delete), as long as the connector is live.
 */
export function nextRecord(
  scope: string,
  scopeTargets: readonly string[],
  targetPlan: TargetPlan,
  previous: TargetRecord | undefined,
  outcomes: readonly ApplyOutcome[],
  liveAfter: readonly LiveConnector[],
  commit: string,
  since?: string,
): TargetRecord {
  const { target } = targetPlan;
  const live = new Set(liveAfter.map((c) => c.name));
  const outcomeOf = new Map(outcomes.filter((o) => o.target.workspaceId === target.workspaceId && o.target.namespace === target.namespace).map((o) => [o.name, o]));
  const connectors: Record<string, RecordedConnector> = {};
  const interrupted: Record<string, InterruptedReplace> = {};

  for (const item of targetPlan.items) {
    if (!live.has(item.name)) continue;
    const before = previous?.connectors[item.name];
    const outcome = outcomeOf.get(item.name);
    const declared = item.desired?.state === 'present' && item.desired.jarUrl && item.desired.type ? item.desired : undefined;
    if (outcome?.status === 'done' && declared && item.action !== 'delete') {
      connectors[item.name] = { jarUrl: declared.jarUrl!, type: declared.type!, description: recordedDescription(declared.description), commit };
    } else if (before) {
      connectors[item.name] = before;
      // A replace that failed and was not rolled back may have left either JAR live.
      const unsure = item.action === 'replace' && item.jarUrl && outcome?.status === 'failed' && !outcome.rolledBack ? { jarUrl: item.jarUrl, commit } : undefined;
      const still = outcome?.rolledBack || outcome?.status === 'done' ? undefined : previous?.interrupted?.[item.name];
      if (unsure ?? still) interrupted[item.name] = (unsure ?? still)!;
    }
  }
  return {
    version: RECORD_VERSION,
    scope,
    workspaceId: target.workspaceId,
    namespace: target.namespace,
    targets: scopeTargets,
    connectors: sortKeys(connectors),
    ...(since ? { since } : {}),
    ...(Object.keys(interrupted).length > 0 ? { interrupted: sortKeys(interrupted) } : {}),
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Two records hold the same connectors (the commit they came from aside). */
export function sameConnectors(a: TargetRecord | undefined, b: TargetRecord): boolean {
  const strip = (r: TargetRecord | undefined): string =>
    JSON.stringify([Object.entries(r?.connectors ?? {}).map(([name, c]) => [name, c.jarUrl, c.type, c.description ?? null]).sort(), Object.keys(r?.interrupted ?? {}).sort()]);
  return strip(a) === strip(b);
}
