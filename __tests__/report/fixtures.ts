import type { ApplyResult, Plan, PlanAction, PlanItem, PlanWarning, Target, TargetPlan } from '../../src/model.js';

export const WS1_DEFAULT: Target = { workspaceId: 'ws-1', namespace: 'default' };
export const WS1_ANALYTICS: Target = { workspaceId: 'ws-1', namespace: 'analytics' };

export const CONTEXT = {
  sha: '0123456789abcdef0123456789abcdef01234567',
  runUrl: 'https://github.com/acme/flink/actions/runs/42',
  time: new Date('2024-05-01T12:34:56.789Z'),
  eventName: 'pull_request',
};

export function item(action: PlanAction, name: string, extra: Partial<PlanItem> = {}): PlanItem {
  const target = extra.target ?? WS1_DEFAULT;
  const defaults: Record<PlanAction, string> = {
    register: `not registered in ${target.workspaceId}/${target.namespace}`,
    replace: 'the live connector contradicts the definition',
    delete: 'state: absent in connectors/kafka.yaml',
    adopt: 'live but not in the record; adopted without re-registering',
    update: 'description changed (record only)',
    unchanged: 'matches the definition',
    unmanaged: 'declared in no definition; left alone',
  };
  return {
    action,
    target,
    name,
    type: name,
    jarUrl: action === 'register' || action === 'replace' ? `oss://bucket/connectors/${name}.jar` : undefined,
    reason: defaults[action],
    ...extra,
  };
}

const ORDER: Record<PlanAction, number> = { register: 0, replace: 1, delete: 2, adopt: 3, update: 4, unchanged: 5, unmanaged: 6 };

/** A plan with items grouped by target and sorted like the planner sorts them, counts computed. */
export function makePlan(items: readonly PlanItem[], warnings: readonly PlanWarning[] = [], extraTargets: readonly Target[] = []): Plan {
  const byKey = new Map<string, { target: Target; items: PlanItem[] }>();
  for (const t of extraTargets) byKey.set(`${t.workspaceId}/${t.namespace}`, { target: t, items: [] });
  for (const i of items) {
    const key = `${i.target.workspaceId}/${i.target.namespace}`;
    const entry = byKey.get(key) ?? { target: i.target, items: [] };
    entry.items.push(i);
    byKey.set(key, entry);
  }
  const targets: TargetPlan[] = [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, v]) => ({
      target: v.target,
      items: [...v.items].sort((a, b) => ORDER[a.action] - ORDER[b.action] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    }));
  const count = (a: PlanAction): number => items.filter((i) => i.action === a).length;
  return { targets, counts: { register: count('register'), replace: count('replace'), delete: count('delete'), adopt: count('adopt'), update: count('update') }, warnings };
}

/** `connectors` items spread evenly over `targetCount` targets, cycling through the actions. */
export function bigPlan(connectors: number, targetCount: number, actions: readonly PlanAction[] = ['register']): Plan {
  const items: PlanItem[] = [];
  for (let n = 0; n < connectors; n++) {
    const target = { workspaceId: `ws-${String(n % targetCount).padStart(4, '0')}`, namespace: 'default' };
    const action = actions[n % actions.length] ?? 'register';
    items.push(item(action, `connector-${String(n).padStart(6, '0')}`, { target }));
  }
  return makePlan(items);
}

export function applied(outcomes: ApplyResult['outcomes']): ApplyResult {
  return { outcomes, ok: outcomes.every((o) => o.status === 'done') };
}
