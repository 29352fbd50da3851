import {
  type DesiredConnector,
  type LiveConnector,
  type Plan,
  type PlanAction,
  type PlanItem,
  type PlanWarning,
  type Target,
  type TargetPlan,
  compareTargets,
  targetKey,
} from '../model.js';
import { contradictions } from './compare.js';

export interface PlanOptions {
  /** Delete live connectors that no definition declares. */
  readonly prune: boolean;
}

const ORDER: Record<PlanAction, number> = { delete: 0, replace: 1, register: 2, adopt: 3, update: 4, unchanged: 5, unmanaged: 6 };

const where = (d: DesiredConnector): string => `${d.location.file}:${d.location.line}`;

/** The targets the definitions name, each once, in report order. */
export function targetsOf(desired: readonly DesiredConnector[]): Target[] {
  const byKey = new Map<string, Target>();
  for (const d of desired) byKey.set(targetKey(d.target), d.target);
  return [...byKey.values()].sort(compareTargets);
}

/**
 * Desired × observed → Plan. Pure: the same inputs always give the same plan.
 * `observed` holds one list result per target (keyed by `targetKey`).
 */
export function buildPlan(
  desired: readonly DesiredConnector[],
  observed: ReadonlyMap<string, readonly LiveConnector[]>,
  options: PlanOptions,
): Plan {
  const warnings: PlanWarning[] = [];
  const targets: TargetPlan[] = [];

  const declaredByTarget = new Map<string, DesiredConnector[]>();
  for (const d of desired) {
    const key = targetKey(d.target);
    const list = declaredByTarget.get(key);
    if (list) list.push(d);
    else declaredByTarget.set(key, [d]);
  }

  for (const target of targetsOf(desired)) {
    const key = targetKey(target);
    const live = observed.get(key) ?? [];
    const liveByName = new Map(live.map((c) => [c.name, c]));
    const declared = declaredByTarget.get(key) ?? [];
    const declaredNames = new Set(declared.map((d) => d.name));
    const undeclaredByType = new Map(live.filter((c) => !declaredNames.has(c.name)).map((c) => [c.type, c]));
    const items: PlanItem[] = [];

    for (const d of declared) {
      const current = liveByName.get(d.name);
      const base = { target, name: d.name, type: d.type ?? current?.type, jarUrl: d.jarUrl, description: d.description, desired: d, live: current };
      if (d.state === 'absent') {
        items.push(
          current
            ? { ...base, action: 'delete', reason: `state: absent in ${where(d)}` }
            : { ...base, action: 'unchanged', reason: 'state: absent and not registered' },
        );
        continue;
      }
      if (!current) {
        items.push({ ...base, action: 'register', reason: `not registered in ${key}` });
        const holder = d.type === undefined ? undefined : undeclaredByType.get(d.type);
        if (holder && !options.prune) {
          warnings.push({
            target,
            name: d.name,
            location: d.location,
            message: `Type ${d.type} is already registered in ${key} as connector ${holder.name}, which no definition declares; registering ${d.name} will fail until it is deleted (declare it with state: absent, or use prune: true).`,
          });
        }
        continue;
      }
      const differences = contradictions(d, current);
      items.push(
        differences.length > 0
          ? { ...base, action: 'replace', reason: 'the live connector contradicts the definition', differences }
          : { ...base, action: 'unchanged', reason: 'matches the definition' },
      );
    }

    for (const c of live) {
      if (declaredNames.has(c.name)) continue;
      const base = { target, name: c.name, type: c.type, live: c };
      if (options.prune) items.push({ ...base, action: 'delete', reason: 'declared in no definition (prune: true)' });
      else items.push({ ...base, action: 'unmanaged', reason: 'declared in no definition; left alone' });
    }

    items.sort((a, b) => ORDER[a.action] - ORDER[b.action] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    targets.push({ target, items });

    const unmanaged = items.filter((i) => i.action === 'unmanaged');
    if (unmanaged.length > 0) {
      warnings.push({
        target,
        message: `${unmanaged.length} connector${unmanaged.length === 1 ? '' : 's'} in ${key} ${unmanaged.length === 1 ? 'is' : 'are'} not declared in any definition and will be left alone: ${unmanaged.map((i) => i.name).join(', ')}.`,
      });
    }
  }

  const count = (action: PlanAction): number => targets.reduce((n, t) => n + t.items.filter((i) => i.action === action).length, 0);
  return { targets, counts: { register: count('register'), replace: count('replace'), delete: count('delete') }, warnings };
}

export function hasChanges(plan: Plan): boolean {
  return plan.counts.register + plan.counts.replace + plan.counts.delete > 0;
}
