import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { systemClock } from '../../src/apply/ports.js';
import type { EmulatorHandle } from '../../src/emulator/server.js';
import type { DesiredConnector, Target } from '../../src/model.js';
import { targetKey } from '../../src/model.js';
import { observe } from '../../src/observe.js';
import { buildPlan } from '../../src/plan/plan.js';
import type { TargetRecord } from '../../src/record/record.js';
import type { ConnectorApi } from '../../src/ververica/connectors.js';
import { clientFor, recordingLog, startCatalogEmulator } from '../support/cloud.js';

const KAFKA_V1 = 'oss://flink-artifacts/connectors/kafka-orders-1.0.0.jar';
const KAFKA_V2 = 'oss://flink-artifacts/connectors/kafka-orders-2.0.0.jar';
const REDIS = 'oss://flink-artifacts/connectors/redis-sink-1.2.0.jar';

let counter = 0;
const freshTarget = (): Target => ({ workspaceId: 'ws-apply', namespace: `ns-${++counter}` });

const kafka = (target: Target, extra: Partial<DesiredConnector> = {}): DesiredConnector => ({
  target,
  name: 'kafka-orders',
  type: 'kafka-orders',
  jarUrl: KAFKA_V1,
  state: 'present',
  location: { file: 'connectors/kafka.yaml', line: 1 },
  ...extra,
});

describe('applyPlan against the emulator', () => {
  let emulator: EmulatorHandle;
  let api: ConnectorApi;

  beforeAll(async () => {
    emulator = await startCatalogEmulator();
    api = clientFor(emulator);
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.clearFaults();
    emulator.setVisibilityDelay(0);
  });

  async function planAndApply(desired: DesiredConnector[], records?: Map<string, TargetRecord>, recheck = false) {
    const targets = [...new Map(desired.map((d) => [targetKey(d.target), d.target])).values()];
    const plan = buildPlan(desired, await observe(targets, api, 4), { prune: false, records });
    const log = recordingLog();
    const result = await applyPlan(plan, api, { parallelism: 4, timeoutMs: 5_000, clock: systemClock, log, recheck, initialPollMs: 20 });
    return { plan, result, log };
  }

  it('registers, waits until listed and verifies against the definition', async () => {
    const t = freshTarget();
    const { result, log } = await planAndApply([kafka(t, { source: true, supportedFormats: ['json', 'avro'] })]);
    expect(result.ok).toBe(true);
    expect(result.outcomes).toMatchObject([{ name: 'kafka-orders', action: 'register', status: 'done' }]);
    expect(emulator.connectors(t.workspaceId, t.namespace).map((c) => c.name)).toEqual(['kafka-orders']);
    expect(log.lines.some((l) => /^registered kafka-orders in ws-apply\/ns-\d+ \(\d+\.\d s\)$/.test(l))).toBe(true);
  });

  it('removes connectors a JAR brought in that contradict the definition', async () => {
    const t = freshTarget();
    const { result } = await planAndApply([{ ...kafka(t), name: 'redis-sink', type: 'redis-sink', jarUrl: REDIS }]);
    expect(result.ok).toBe(false);
    expect(result.outcomes[0]?.message).toContain('the JAR declares redis-cache (type redis-cache), not redis-sink (type redis-sink)');
    expect(emulator.connectors(t.workspaceId, t.namespace)).toEqual([]);
  });

  it('rolls a failed replace back to the recorded JAR', async () => {
    const t = freshTarget();
    await planAndApply([kafka(t)]);
    const records = new Map([[targetKey(t), { version: 1 as const, scope: 'test', targets: [], workspaceId: t.workspaceId, namespace: t.namespace, connectors: { 'kafka-orders': { jarUrl: KAFKA_V1, type: 'kafka-orders', commit: 'c1' } } }]]);
    const { plan, result } = await planAndApply([kafka(t, { jarUrl: REDIS })], records);
    expect(plan.counts.replace).toBe(1);
    expect(result.ok).toBe(false);
    expect(result.outcomes[0]).toMatchObject({ action: 'replace', status: 'failed', rolledBack: true });
    expect(result.outcomes[0]?.message).toContain(`rolled back: registered the recorded JAR ${KAFKA_V1} again`);
    expect(emulator.connectors(t.workspaceId, t.namespace).map((c) => `${c.name}:${c.type}`)).toEqual(['kafka-orders:kafka-orders']);
  });

  it('replaces a JAR (v1 → v2) by delete, then register', async () => {
    const t = freshTarget();
    await planAndApply([kafka(t)]);
    const records = new Map([[targetKey(t), { version: 1 as const, scope: 'test', targets: [], workspaceId: t.workspaceId, namespace: t.namespace, connectors: { 'kafka-orders': { jarUrl: KAFKA_V1, type: 'kafka-orders', commit: 'c1' } } }]]);
    const { result } = await planAndApply([kafka(t, { jarUrl: KAFKA_V2, supportedFormats: ['json', 'avro', 'csv'] })], records);
    expect(result.ok).toBe(true);
    expect(emulator.connectors(t.workspaceId, t.namespace)[0]?.supportedFormats).toContain('csv');
  });

  it('fails, and says what is known, when a registration is not listed within the timeout', async () => {
    const t = freshTarget();
    emulator.setVisibilityDelay(60_000);
    const targets = [t];
    const plan = buildPlan([kafka(t)], await observe(targets, api, 1), { prune: false });
    const result = await applyPlan(plan, api, { parallelism: 1, timeoutMs: 300, clock: systemClock, log: recordingLog(), initialPollMs: 20 });
    expect(result.ok).toBe(false);
    expect(result.outcomes[0]?.message).toMatch(/registration requested, but kafka-orders was not listed after 0\.3 s/);
  });

  it('skips a change when the connector changed since the plan', async () => {
    const t = freshTarget();
    const targets = [t];
    const plan = buildPlan([kafka(t)], await observe(targets, api, 1), { prune: false });
    // Someone registers it in the console between plan and apply.
    emulator.seed(t.workspaceId, t.namespace, [{ name: 'kafka-orders', type: 'kafka-orders', source: true, sink: true, lookup: false, properties: [], supportedFormats: ['json'], dependencies: [] }]);
    const result = await applyPlan(plan, api, { parallelism: 1, timeoutMs: 1_000, clock: systemClock, log: recordingLog(), recheck: true });
    expect(result.outcomes[0]).toMatchObject({ status: 'skipped' });
    expect(result.outcomes[0]?.message).toContain('registered by someone else since the plan');
  });

  it('rolls failed replaces back in parallel', async () => {
    const t = freshTarget();
    const redis = (extra: Partial<DesiredConnector> = {}): DesiredConnector => ({ ...kafka(t), name: 'redis-cache', type: 'redis-cache', jarUrl: REDIS, location: { file: 'connectors/redis.yaml', line: 1 }, ...extra });
    await planAndApply([kafka(t), redis()]);
    const recorded = { 'kafka-orders': { jarUrl: KAFKA_V1, type: 'kafka-orders', commit: 'c1' }, 'redis-cache': { jarUrl: REDIS, type: 'redis-cache', commit: 'c1' } };
    const records = new Map([[targetKey(t), { version: 1 as const, scope: 'test', targets: [], workspaceId: t.workspaceId, namespace: t.namespace, connectors: recorded }]]);
    // Neither new JAR exists: both replaces fail after their deletes and are rolled back.
    const missing = (name: string): string => `oss://flink-artifacts/connectors/${name}-9.9.9.jar`;
    let inFlight = 0;
    let most = 0;
    const watched: ConnectorApi = {
      ...api,
      register: async (target, jarUrl, names, options) => {
        // Only the rollbacks count: they register the recorded JARs.
        const rollback = jarUrl === KAFKA_V1 || jarUrl === REDIS;
        if (rollback) most = Math.max(most, ++inFlight);
        try {
          return await api.register(target, jarUrl, names, options);
        } finally {
          if (rollback) inFlight--;
        }
      },
    };
    const desired = [kafka(t, { jarUrl: missing('kafka') }), redis({ jarUrl: missing('redis') })];
    const plan = buildPlan(desired, await observe([t], api, 1), { prune: false, records });
    emulator.setLatency(200);
    try {
      const result = await applyPlan(plan, watched, { parallelism: 2, timeoutMs: 5_000, clock: systemClock, log: recordingLog(), initialPollMs: 20 });
      expect(result.outcomes.map((o) => [o.name, o.status, o.rolledBack])).toEqual([
        ['kafka-orders', 'failed', true],
        ['redis-cache', 'failed', true],
      ]);
    } finally {
      emulator.setLatency(0);
    }
    // The two rollbacks at once.
    expect(most).toBe(2);
    expect(emulator.connectors(t.workspaceId, t.namespace).map((c) => c.name).sort()).toEqual(['kafka-orders', 'redis-cache']);
  });

  it('a register whose answer is lost on its only attempt is reconciled, even with parallelism 1', async () => {
    const t = freshTarget();
    emulator.setVisibilityDelay(300);
    emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'lost-response', namespace: t.namespace });
    const targets = [t];
    const plan = buildPlan([kafka(t)], await observe(targets, api, 1), { prune: false });
    const once = clientFor(emulator, { maxRetries: 0 });
    emulator.resetStats();
    const result = await applyPlan(plan, once, { parallelism: 1, timeoutMs: 5_000, clock: systemClock, log: recordingLog(), initialPollMs: 20 });
    expect(result.outcomes[0]).toMatchObject({ action: 'register', status: 'done' });
    expect(emulator.stats().calls.RegisterCustomConnector).toBe(1);
  });

  it('deletes and reports the tables built on the connector', async () => {
    const t = freshTarget();
    await planAndApply([kafka(t)]);
    const { result } = await planAndApply([kafka(t, { state: 'absent' })]);
    expect(result.outcomes[0]).toMatchObject({ action: 'delete', status: 'done' });
    expect(result.outcomes[0]?.tables?.map((x) => x.tableName)).toEqual(['orders_source', 'orders_sink']);
    expect(emulator.connectors(t.workspaceId, t.namespace)).toEqual([]);
  });
});
