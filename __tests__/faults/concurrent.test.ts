/**
 * Concurrent changes: someone changes a connector between the plan and the mutation. The apply
 * lists each target again right before changing it and leaves alone every connector that moved
 * since the plan, saying so. In-process (applyPlan against the emulator), because the window
 * cannot be timed through the bundle.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { systemClock } from '../../src/apply/ports.js';
import type { EmulatorHandle } from '../../src/emulator/server.js';
import type { DesiredConnector, LiveConnector, Plan, Target } from '../../src/model.js';
import { observe } from '../../src/observe.js';
import { buildPlan } from '../../src/plan/plan.js';
import type { ConnectorApi } from '../../src/ververica/connectors.js';
import { clientFor, recordingLog, startCatalogEmulator } from '../support/cloud.js';
import { aLiveConnector } from '../support/connectors.js';

const KAFKA_V1 = 'oss://flink-artifacts/connectors/kafka-orders-1.0.0.jar';

let emulator: EmulatorHandle;
let api: ConnectorApi;
let counter = 0;
const freshTarget = (): Target => ({ workspaceId: 'ws-concurrent', namespace: `ns-${++counter}` });

const live = (extra: Partial<LiveConnector> = {}): LiveConnector =>
  aLiveConnector({ name: 'kafka-orders', type: 'kafka-orders-legacy', source: true, sink: true, supportedFormats: ['json'], ...extra });

const desired = (target: Target, extra: Partial<DesiredConnector> = {}): DesiredConnector => ({
  target,
  name: 'kafka-orders',
  type: 'kafka-orders',
  jarUrl: KAFKA_V1,
  state: 'present',
  location: { file: 'connectors/kafka.yaml', line: 1 },
  ...extra,
});

beforeAll(async () => {
  emulator = await startCatalogEmulator();
  api = clientFor(emulator);
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.resetStats();
});

async function planFor(target: Target, definitions: DesiredConnector[]): Promise<Plan> {
  return buildPlan(definitions, await observe([target], api, 1), { prune: false });
}

const applyWithRecheck = async (plan: Plan) => {
  const log = recordingLog();
  const result = await applyPlan(plan, api, { parallelism: 2, timeoutMs: 2_000, clock: systemClock, log, recheck: true, initialPollMs: 20 });
  return { result, log };
};

const mutations = (): number => (emulator.stats().calls.RegisterCustomConnector ?? 0) + (emulator.stats().calls.DeleteCustomConnector ?? 0);

describe('a connector changed between plan and mutation', () => {
  it('delete: changed by someone else since the plan → skipped, left as they made it', async () => {
    const t = freshTarget();
    emulator.seed(t.workspaceId, t.namespace, [live()]);
    const plan = await planFor(t, [desired(t, { state: 'absent', type: undefined, jarUrl: undefined })]);
    expect(plan.counts.delete).toBe(1);
    // Meanwhile, in the console: a new version with other capabilities.
    emulator.seed(t.workspaceId, t.namespace, [live({ lookup: true, supportedFormats: ['json', 'csv'] })]);
    emulator.resetStats();
    const { result, log } = await applyWithRecheck(plan);
    expect(result.ok).toBe(false);
    expect(result.outcomes).toMatchObject([{ name: 'kafka-orders', action: 'delete', status: 'skipped' }]);
    expect(result.outcomes[0]?.message).toBe('kafka-orders was changed by someone else since the plan; left alone (plan again to see the current state)');
    expect(log.lines).toContain(`warning: skipped delete of kafka-orders in ${t.workspaceId}/${t.namespace}: kafka-orders was changed by someone else since the plan`);
    expect(mutations()).toBe(0);
    expect(emulator.connectors(t.workspaceId, t.namespace)).toMatchObject([{ name: 'kafka-orders', lookup: true }]);
  });

  it('delete: already deleted by someone else → skipped, no delete call', async () => {
    const t = freshTarget();
    emulator.seed(t.workspaceId, t.namespace, [live()]);
    const plan = await planFor(t, [desired(t, { state: 'absent', type: undefined, jarUrl: undefined })]);
    await api.delete(t, 'kafka-orders');
    emulator.resetStats();
    const { result } = await applyWithRecheck(plan);
    expect(result.outcomes[0]).toMatchObject({ status: 'skipped' });
    expect(result.outcomes[0]?.message).toContain('kafka-orders was deleted by someone else since the plan');
    expect(mutations()).toBe(0);
  });

  it('replace: changed by someone else since the plan → skipped, nothing deleted', async () => {
    const t = freshTarget();
    emulator.seed(t.workspaceId, t.namespace, [live()]);
    const plan = await planFor(t, [desired(t)]);
    expect(plan.counts.replace).toBe(1);
    emulator.seed(t.workspaceId, t.namespace, [live({ sink: false, dependencies: ['oss://b/extra.jar'] })]);
    emulator.resetStats();
    const { result } = await applyWithRecheck(plan);
    expect(result.outcomes).toMatchObject([{ action: 'replace', status: 'skipped' }]);
    expect(result.outcomes[0]?.message).toContain('kafka-orders was changed by someone else since the plan');
    expect(mutations()).toBe(0);
    // Nothing lost: their version is still there.
    expect(emulator.connectors(t.workspaceId, t.namespace)).toMatchObject([{ name: 'kafka-orders', type: 'kafka-orders-legacy', sink: false }]);
  });

  it('replace: deleted by someone else since the plan → skipped (the next plan will register it)', async () => {
    const t = freshTarget();
    emulator.seed(t.workspaceId, t.namespace, [live()]);
    const plan = await planFor(t, [desired(t)]);
    await api.delete(t, 'kafka-orders');
    emulator.resetStats();
    const { result } = await applyWithRecheck(plan);
    expect(result.outcomes[0]).toMatchObject({ action: 'replace', status: 'skipped' });
    expect(result.outcomes[0]?.message).toContain('deleted by someone else since the plan');
    expect(mutations()).toBe(0);
    const next = await planFor(t, [desired(t)]);
    expect(next.counts).toMatchObject({ register: 1, replace: 0 });
  });

  it('only the moved connector is skipped; the rest of the plan is applied', async () => {
    const t = freshTarget();
    emulator.seed(t.workspaceId, t.namespace, [live(), live({ name: 'old-sink', type: 'old-sink' })]);
    const plan = await planFor(t, [desired(t), desired(t, { name: 'old-sink', state: 'absent', type: undefined, jarUrl: undefined })]);
    expect(plan.counts).toMatchObject({ replace: 1, delete: 1 });
    emulator.seed(t.workspaceId, t.namespace, [live({ modifierName: 'bob', supportedFormats: ['json', 'avro'] })]);
    emulator.resetStats();
    const { result } = await applyWithRecheck(plan);
    const byName = Object.fromEntries(result.outcomes.map((o) => [o.name, o.status]));
    expect(byName).toEqual({ 'kafka-orders': 'skipped', 'old-sink': 'done' });
    expect(emulator.stats().calls.DeleteCustomConnector).toBe(1);
    expect(emulator.connectors(t.workspaceId, t.namespace).map((c) => c.name)).toEqual(['kafka-orders']);
  });

  it('a change of volatile fields only (modifier) is not a change: the delete proceeds', async () => {
    const t = freshTarget();
    emulator.seed(t.workspaceId, t.namespace, [live({ modifierName: 'alice' })]);
    const plan = await planFor(t, [desired(t, { state: 'absent', type: undefined, jarUrl: undefined })]);
    emulator.seed(t.workspaceId, t.namespace, [live({ modifierName: 'bob', modifier: '42' })]);
    const { result } = await applyWithRecheck(plan);
    expect(result.outcomes[0]).toMatchObject({ action: 'delete', status: 'done' });
    expect(emulator.connectors(t.workspaceId, t.namespace)).toEqual([]);
  });
});
