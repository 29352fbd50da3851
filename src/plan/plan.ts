import {
  type ChangeAction,
  type DesiredConnector,
  type LiveConnector,
  type Plan,
  type PlanAction,
  type PlanItem,
  type PlanWarning,
  type RecordedConnector,
  type Target,
  type TargetPlan,
  type WorkspaceAction,
  compareTargets,
  isUnknownJar,
  targetKey,
} from '../model.js';
import { type InterruptedReplace, type TargetRecord, recordedDescription } from '../record/record.js';
import { contradictions } from './compare.js';

export interface PlanOptions {
  /** Delete live connectors that no definition declares (and the record does not hold). */
  readonly prune: boolean;
  /**
   * The record of applied connectors per target (keyed by `targetKey`; a missing entry is an empty
   * record). Undefined when the record is not in use: then nothing is adopted or tracked by JAR.
   */
  readonly records?: ReadonlyMap<string, TargetRecord | undefined>;
}

const ORDER: Record<PlanAction, number> = { delete: 0, replace: 1, register: 2, adopt: 3, update: 4, unchanged: 5, unmanaged: 6 };

const where = (d: DesiredConnector): string => `${d.location.file}:${d.location.line}`;

/** The targets the definitions name and those the record holds connectors in, each once, in report order. */
export function targetsOf(desired: readonly DesiredConnector[], records?: ReadonlyMap<string, TargetRecord | undefined>): Target[] {
  const byKey = new Map<string, Target>();
  for (const d of desired) byKey.set(targetKey(d.target), d.target);
  for (const record of records?.values() ?? []) {
    if (record && (Object.keys(record.connectors).length > 0 || record.pending)) {
      const target = { workspaceId: record.workspaceId, namespace: record.namespace };
      byKey.set(targetKey(target), target);
    }
  }
  return [...byKey.values()].sort(compareTargets);
}

function planDeclared(
  d: DesiredConnector,
  current: LiveConnector | undefined,
  recorded: RecordedConnector | undefined,
  recordInUse: boolean,
  interrupted?: InterruptedReplace,
): Omit<PlanItem, 'target' | 'name'> & { action: PlanAction } {
  const key = targetKey(d.target);
  const base = { type: d.type ?? current?.type, jarUrl: d.jarUrl, description: d.description, desired: d, live: current, recorded };
  if (d.state === 'absent') {
    return current
      ? { ...base, action: 'delete', reason: `state: absent in ${where(d)}` }
      : { ...base, action: 'unchanged', reason: 'state: absent and not registered' };
  }
  const cut = interrupted && `${interrupted.commit ? `the apply of ${interrupted.commit.slice(0, 7)}` : 'an earlier apply'} was interrupted during its replace (registering ${interrupted.jarUrl})`;
  if (!current) {
    if (cut) return { ...base, action: 'register', reason: `${cut}: deleted, but not registered again in ${key}` };
    return { ...base, action: 'register', reason: recorded ? `recorded as applied, but no longer registered in ${key} (drift)` : `not registered in ${key}` };
  }
  // Which JAR the live connector came from cannot be seen: unknown is never taken as done.
  if (cut) {
    return { ...base, action: 'replace', reason: `${cut}: which JAR is live cannot be told, so it is registered again`, differences: contradictions(d, current) };
  }
  const jarChanged = recorded !== undefined && recorded.jarUrl !== d.jarUrl;
  // The record held a placeholder (an exported connector whose JAR nobody knew): declaring the
  // real JAR tells the record what is live, it does not change the workspace.
  const jarNowKnown = jarChanged && isUnknownJar(recorded.jarUrl) && d.adopt !== 'replace';
  const differences = [...(jarChanged && !jarNowKnown ? [`jar_url: recorded ${recorded.jarUrl}, declared ${d.jarUrl ?? ''}`] : []), ...contradictions(d, current)];
  if (differences.length > 0) {
    return { ...base, action: 'replace', reason: jarChanged ? 'the JAR changed' : 'the live connector contradicts the definition', differences };
  }
  if (!recordInUse) return { ...base, action: 'unchanged', reason: 'matches the definition' };
  if (!recorded) {
    return d.adopt === 'replace'
      ? { ...base, action: 'replace', reason: 'not in the record; adopt: replace asks to register it again', differences: [] }
      : { ...base, action: 'adopt', reason: 'registered outside this action; adopted into the record without re-registering (its JAR could not be verified)' };
  }
  if (jarNowKnown) {
    return { ...base, action: 'update', reason: 'the JAR was unknown (exported placeholder); the JAR is now recorded as declared and was not re-registered (record only, no API call; adopt: replace registers it again)' };
  }
  if ((recorded.description ?? '') !== (recordedDescription(d.description) ?? '')) {
    return { ...base, action: 'update', reason: 'only the description changed (record only, no API call)' };
  }
  return { ...base, action: 'unchanged', reason: 'matches the definition and the record' };
}

/**
 * Desired × observed (× recorded) → Plan. Pure: the same inputs always give the same plan.
 * `observed` holds one list result per target (keyed by `targetKey`).
 */
export function buildPlan(
  desired: readonly DesiredConnector[],
  observed: ReadonlyMap<string, readonly LiveConnector[]>,
  options: PlanOptions,
): Plan {
  const warnings: PlanWarning[] = [];
  const targets: TargetPlan[] = [];
  const recordInUse = options.records !== undefined;

  const declaredByTarget = new Map<string, DesiredConnector[]>();
  for (const d of desired) {
    const key = targetKey(d.target);
    const list = declaredByTarget.get(key);
    if (list) list.push(d);
    else declaredByTarget.set(key, [d]);
  }

  for (const target of targetsOf(desired, options.records)) {
    const key = targetKey(target);
    const live = observed.get(key) ?? [];
    const liveByName = new Map(live.map((c) => [c.name, c]));
    const recorded = options.records?.get(key)?.connectors ?? {};
    const interrupted = options.records?.get(key)?.interrupted ?? {};
    const declared = declaredByTarget.get(key) ?? [];
    const declaredNames = new Set(declared.map((d) => d.name));
    const undeclaredByType = new Map(live.filter((c) => !declaredNames.has(c.name)).map((c) => [c.type, c]));
    const items: PlanItem[] = [];

    for (const d of declared) {
      const current = liveByName.get(d.name);
      const planned = planDeclared(d, current, recorded[d.name], recordInUse, interrupted[d.name]);
      items.push({ target, name: d.name, ...planned });
      if (planned.action === 'adopt') {
        warnings.push({ target, name: d.name, location: d.location, message: `${d.name} in ${key} is adopted as it is: the API does not say which JAR it came from, so ${d.jarUrl ?? 'the declared JAR'} could not be verified.` });
      }
      if (planned.action === 'register' && planned.recorded && !interrupted[d.name]) {
        warnings.push({ target, name: d.name, location: d.location, message: `${d.name} was applied to ${key} before but is no longer registered there (changed outside this action?).` });
      }
      if (planned.action === 'register' && !current) {
        const holder = d.type === undefined ? undefined : undeclaredByType.get(d.type);
        const holderGoes = holder && (options.prune || recorded[holder.name] !== undefined);
        if (holder && !holderGoes) {
          warnings.push({
            target,
            name: d.name,
            location: d.location,
            message: `Type ${d.type} is already registered in ${key} as connector ${holder.name}, which no definition declares; registering ${d.name} will fail until it is deleted (declare it with state: absent, or use prune: true).`,
          });
        }
      }
    }

    for (const c of live) {
      if (declaredNames.has(c.name)) continue;
      const base = { target, name: c.name, type: c.type, live: c, recorded: recorded[c.name] };
      if (recorded[c.name]) items.push({ ...base, action: 'delete', reason: 'applied by this action before, but no longer declared in any definition (file removed, or the connector moved)' });
      else if (options.prune) items.push({ ...base, action: 'delete', reason: 'declared in no definition (prune: true)' });
      else items.push({ ...base, action: 'unmanaged', reason: 'declared in no definition; left alone' });
    }

    items.sort((a, b) => ORDER[a.action] - ORDER[b.action] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    targets.push({ target, items });

    const unmanaged = items.filter((i) => i.action === 'unmanaged');
    if (unmanaged.length > 0) {
      warnings.push({
        target,
        kind: 'unmanaged',
        message: `${unmanaged.length} connector${unmanaged.length === 1 ? '' : 's'} in ${key} ${unmanaged.length === 1 ? 'is' : 'are'} not declared in any definition and will be left alone: ${unmanaged.map((i) => i.name).join(', ')}.`,
      });
    }
  }

  const counts: Record<PlanAction, number> = { register: 0, replace: 0, delete: 0, adopt: 0, update: 0, unchanged: 0, unmanaged: 0 };
  for (const t of targets) for (const i of t.items) counts[i.action]++;
  return {
    targets,
    counts: { register: counts.register, replace: counts.replace, delete: counts.delete, adopt: counts.adopt, update: counts.update },
    warnings,
  };
}

/** Whether an item is a change a reviewer approves (workspace or record-only). */
export function isChange(item: PlanItem): item is PlanItem & { readonly action: ChangeAction } {
  return item.action !== 'unchanged' && item.action !== 'unmanaged';
}

/** Whether an item changes the workspace itself. */
export function isWorkspaceChange(item: PlanItem): item is PlanItem & { readonly action: WorkspaceAction } {
  return item.action === 'register' || item.action === 'replace' || item.action === 'delete';
}

/** Whether applying the plan changes the workspace (record-only changes aside). */
export function hasChanges(plan: Plan): boolean {
  return plan.counts.register + plan.counts.replace + plan.counts.delete > 0;
}

/** Whether applying the plan changes the workspace or the record. */
export function hasAnyChange(plan: Plan): boolean {
  return hasChanges(plan) || plan.counts.adopt + plan.counts.update > 0;
}
