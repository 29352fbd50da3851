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
}

/** Descriptions longer than this (in characters) are recorded shortened, with a hash of the whole. */
export const RECORD_DESCRIPTION_MAX = 200;
/** GitHub stores a deployment payload of at most this many characters of JSON (422 beyond). */
export const RECORD_MAX_CHARS = 65_535;

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
  const hash = createHash('sha256').update(description).digest('hex').slice(0, 16);
  return `${chars.slice(0, RECORD_DESCRIPTION_MAX).join('')}… [sha256:${hash}]`;
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

/** `flink-connectors/<workspace_id>/<namespace_name>` */
export function environmentOf(target: Target): string {
  return `flink-connectors/${target.workspaceId}/${target.namespace}`;
}


const isString = (v: unknown): v is string => typeof v === 'string';

/** Reads a stored payload; anything that is not a record of this scope is treated as no record. */
export function parseRecord(payload: unknown, target: Target, scope: string): TargetRecord | undefined {
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
  return { version: RECORD_VERSION, scope, workspaceId: target.workspaceId, namespace: target.namespace, targets, connectors };
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
): TargetRecord {
  const { target } = targetPlan;
  const live = new Set(liveAfter.map((c) => c.name));
  const outcomeOf = new Map(outcomes.filter((o) => o.target.workspaceId === target.workspaceId && o.target.namespace === target.namespace).map((o) => [o.name, o]));
  const connectors: Record<string, RecordedConnector> = {};

  for (const item of targetPlan.items) {
    if (!live.has(item.name)) continue;
    const before = previous?.connectors[item.name];
    const outcome = outcomeOf.get(item.name);
    const declared = item.desired?.state === 'present' && item.desired.jarUrl && item.desired.type ? item.desired : undefined;
    if (outcome?.status === 'done' && declared && item.action !== 'delete') {
      connectors[item.name] = { jarUrl: declared.jarUrl!, type: declared.type!, description: recordedDescription(declared.description), commit };
    } else if (before) {
      connectors[item.name] = before;
    }
  }
  return { version: RECORD_VERSION, scope, workspaceId: target.workspaceId, namespace: target.namespace, targets: scopeTargets, connectors: sortKeys(connectors) };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Two records hold the same connectors (the commit they came from aside). */
export function sameConnectors(a: TargetRecord | undefined, b: TargetRecord): boolean {
  const strip = (r: TargetRecord | undefined): string =>
    JSON.stringify(Object.entries(r?.connectors ?? {}).map(([name, c]) => [name, c.jarUrl, c.type, c.description ?? null]).sort());
  return strip(a) === strip(b);
}
