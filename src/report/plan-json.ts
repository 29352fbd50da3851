/**
 * The `plan-json` output: a stable, versioned shape for other steps and tools to read.
 * Every field is documented in docs/plan-json.md. Live-only, volatile fields (creator, modifier,
 * properties) are left out so the same plan always serialises the same way.
 */
import { targetKey } from '../model.js';
import type { ChangeAction, Impact, Plan, PlanItem, PlanWarning, Verification } from '../model.js';
import { isChange } from './format.js';

export const PLAN_JSON_VERSION = 1;

export interface PlanJsonChange {
  readonly action: ChangeAction;
  readonly name: string;
  readonly type: string | null;
  readonly jarUrl: string | null;
  readonly reason: string;
  readonly differences: readonly string[];
  /** For replace and delete when read: who uses the connector; null otherwise. */
  readonly impact: PlanJsonImpact | null;
  /** For a replace whose users were validated: each deployment's result (plan: validates/fails; apply: verified, regressed...). */
  readonly verification?: Verification;
}

export interface PlanJsonImpact {
  readonly known: boolean;
  readonly deployments: readonly { readonly name: string; readonly kind: string; readonly running: number; readonly via: readonly string[] }[];
  readonly tables: readonly string[];
  readonly incomplete: boolean;
  readonly note: string | null;
}

export interface PlanJsonTarget {
  readonly workspaceId: string;
  readonly namespace: string;
  readonly changes: readonly PlanJsonChange[];
  readonly unchanged: readonly string[];
  readonly unmanaged: readonly string[];
}

export interface PlanJsonWarning {
  readonly workspaceId: string | null;
  readonly namespace: string | null;
  readonly name: string | null;
  readonly message: string;
  readonly file: string | null;
  readonly line: number | null;
}

export interface PlanJson {
  readonly version: typeof PLAN_JSON_VERSION;
  readonly summary: {
    readonly register: number;
    readonly replace: number;
    readonly delete: number;
    readonly adopt: number;
    readonly update: number;
    readonly unchanged: number;
    readonly unmanaged: number;
  };
  readonly hasChanges: boolean;
  /** True when the plan was too large for a step output and details were left out (see `planJsonOutput`). */
  readonly truncated: boolean;
  readonly targets: readonly PlanJsonTarget[];
  readonly warnings: readonly PlanJsonWarning[];
}

/** Code-unit order: unlike localeCompare, the same on every machine. */
function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const ACTION_ORDER: Readonly<Record<ChangeAction, number>> = { register: 0, replace: 1, delete: 2, adopt: 3, update: 4 };

function toChange(item: PlanItem & { readonly action: ChangeAction }): PlanJsonChange {
  return {
    action: item.action,
    name: item.name,
    type: item.type ?? null,
    jarUrl: item.jarUrl ?? null,
    reason: item.reason,
    differences: [...(item.differences ?? [])],
    impact: item.impact === undefined ? null : toImpact(item.impact),
    ...(item.verification !== undefined && { verification: item.verification }),
  };
}

function toImpact(impact: Impact): PlanJsonImpact {
  return {
    known: impact.known,
    deployments: impact.deployments.map((d) => ({ name: d.name, kind: d.kind, running: d.running, via: [...d.via] })),
    tables: [...impact.tables],
    incomplete: impact.incomplete,
    note: impact.note ?? null,
  };
}

function toWarning(w: PlanWarning): PlanJsonWarning {
  return {
    workspaceId: w.target?.workspaceId ?? null,
    namespace: w.target?.namespace ?? null,
    name: w.name ?? null,
    message: w.message,
    file: w.location?.file ?? null,
    line: w.location?.line ?? null,
  };
}

function warningKey(w: PlanJsonWarning): string {
  return JSON.stringify([w.workspaceId ?? '', w.namespace ?? '', w.name ?? '', w.file ?? '', w.line ?? 0, w.message]);
}

/** The plan as `PlanJson`: targets by key, changes by name then action, name lists and warnings sorted. */
export function planToJson(plan: Plan): PlanJson {
  const names = (items: readonly PlanItem[], action: PlanItem['action']): string[] =>
    items.filter((i) => i.action === action).map((i) => i.name).sort(byString);

  const targets = [...plan.targets]
    .sort((a, b) => byString(targetKey(a.target), targetKey(b.target)))
    .map((tp): PlanJsonTarget => ({
      workspaceId: tp.target.workspaceId,
      namespace: tp.target.namespace,
      changes: tp.items
        .filter(isChange)
        .map(toChange)
        .sort((a, b) => byString(a.name, b.name) || ACTION_ORDER[a.action] - ACTION_ORDER[b.action]),
      unchanged: names(tp.items, 'unchanged'),
      unmanaged: names(tp.items, 'unmanaged'),
    }));

  const count = (action: ChangeAction): number => targets.reduce((n, t) => n + t.changes.filter((c) => c.action === action).length, 0);
  const summary = {
    register: count('register'),
    replace: count('replace'),
    delete: count('delete'),
    adopt: count('adopt'),
    update: count('update'),
    unchanged: targets.reduce((n, t) => n + t.unchanged.length, 0),
    unmanaged: targets.reduce((n, t) => n + t.unmanaged.length, 0),
  };

  return {
    version: PLAN_JSON_VERSION,
    summary,
    hasChanges: summary.register + summary.replace + summary.delete > 0,
    truncated: false,
    targets,
    warnings: plan.warnings.map(toWarning).sort((a, b) => byString(warningKey(a), warningKey(b))),
  };
}

/** GitHub refuses a step output larger than 1 MB; stay below it with room for the other outputs. */
export const OUTPUT_LIMIT_CHARS = 900_000;

/**
 * The `plan-json` output as text, never over `limit`. A plan too large for it loses detail in
 * steps (unchanged and unmanaged names, then warnings, then reasons, differences and impacts, then the
 * per-target lists), keeping `summary` and `hasChanges`, and says so with `truncated: true`. The job
 * summary always carries the whole plan.
 */
export function planJsonOutput(plan: Plan, limit = OUTPUT_LIMIT_CHARS): string {
  const full = planToJson(plan);
  let text = JSON.stringify(full);
  if (text.length <= limit) return text;
  const steps: ReadonlyArray<(j: PlanJson) => PlanJson> = [
    (j) => ({ ...j, targets: j.targets.map((t) => ({ ...t, unchanged: [], unmanaged: [] })) }),
    (j) => ({ ...j, warnings: [] }),
    (j) => ({ ...j, targets: j.targets.map((t) => ({ ...t, changes: t.changes.map(({ verification: _dropped, ...c }) => ({ ...c, reason: '', differences: [], impact: null })) })) }),
    (j) => ({ ...j, targets: [] }),
  ];
  let current: PlanJson = { ...full, truncated: true };
  for (const step of steps) {
    current = step(current);
    text = JSON.stringify(current);
    if (text.length <= limit) break;
  }
  return text;
}
