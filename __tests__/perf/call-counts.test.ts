/**
 * Exact API-call counts of plan, apply and wait, read from the emulator's own counters while the
 * production client talks to it over HTTP. No timing is asserted: only what was called, how often,
 * in which order and how many at once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import type { Clock } from '../../src/apply/ports.js';
import type { DesiredConnector, Target } from '../../src/model.js';
import { targetKey } from '../../src/model.js';
import { observe } from '../../src/observe.js';
import { buildPlan, targetsOf } from '../../src/plan/plan.js';
import type { ConnectorApi } from '../../src/ververica/connectors.js';
import { type BenchEnv, startBenchEnv } from '../../bench/env.js';
import { seedWorkload } from '../../bench/measure.js';
import { benchCatalog, planWorkload, registrationWorkload } from '../../bench/workload.js';

const CATALOG_SIZE = 60;
const silentLog = { info: (): void => undefined, warning: (): void => undefined };

let env: BenchEnv;
let workspaceCounter = 0;
/** A fresh workspace per test keeps tests independent on one emulator. */
let workspace: string;

beforeAll(async () => {
  env = await startBenchEnv({ latencyMs: 0, catalog: benchCatalog(CATALOG_SIZE) });
});

afterAll(async () => {
  await env.emulator.close();
});

beforeEach(() => {
  workspaceCounter += 1;
  workspace = `ws-perf-${workspaceCounter}`;
  env.emulator.setVisibilityDelay(0);
  env.emulator.resetStats();
});

/** A clock whose sleeps pass at once, so a wait costs no real time. */
function instantClock(): Clock {
  let now = 1_000_000;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

interface CallRecord {
  readonly op: 'list' | 'register' | 'delete';
  readonly target: string;
  readonly startedAt: number;
  endedAt?: number;
}

/** Wraps a ConnectorApi to record every call in order and the most calls ever in flight at once. */
function recording(api: ConnectorApi, delayFor: (op: CallRecord['op'], target: Target) => number = () => 0) {
  const calls: CallRecord[] = [];
  let sequence = 0;
  let inFlight = 0;
  let inFlightMutations = 0;
  const peak = { all: 0, mutations: 0 };
  const track = async <T>(op: CallRecord['op'], target: Target, call: () => Promise<T>): Promise<T> => {
    const record: CallRecord = { op, target: targetKey(target), startedAt: sequence++ };
    calls.push(record);
    inFlight++;
    if (op !== 'list') inFlightMutations++;
    peak.all = Math.max(peak.all, inFlight);
    peak.mutations = Math.max(peak.mutations, inFlightMutations);
    try {
      const delay = delayFor(op, target);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return await call();
    } finally {
      inFlight--;
      if (op !== 'list') inFlightMutations--;
      record.endedAt = sequence++;
    }
  };
  const wrapped: ConnectorApi = {
    list: (target) => track('list', target, () => api.list(target)),
    register: (target, jarUrl, type) => track('register', target, () => api.register(target, jarUrl, type)),
    delete: (target, name) => track('delete', target, () => api.delete(target, name)),
  };
  return { api: wrapped, calls, peak };
}

async function planFor(desired: readonly DesiredConnector[], api: ConnectorApi = env.api) {
  const observed = await observe(targetsOf(desired), api, 4);
  return buildPlan(desired, observed, { prune: false });
}

describe('plan', () => {
  it.each([1, 7, 25])('over %i targets makes exactly one list call per target and nothing else', async (targets) => {
    const workload = planWorkload(workspace, targets * 6, targets);
    seedWorkload(env, workload);
    env.emulator.resetStats();
    const recorder = recording(env.api);

    const observed = await observe(targetsOf(workload.desired), recorder.api, 4);
    const plan = buildPlan(workload.desired, observed, { prune: false });

    expect(env.emulator.stats()).toEqual({ calls: { ListCustomConnectors: targets }, total: targets });
    expect(recorder.calls.map((c) => c.target).sort()).toEqual(workload.targets.map(targetKey).sort());
    // Listed concurrently, but never more than `parallelism` at once.
    expect(recorder.peak.all).toBe(Math.min(4, targets));
    expect(plan.counts).toEqual({ register: workload.expected.register, replace: workload.expected.replace, delete: workload.expected.delete });
  });

  it('does not call per connector: 30 or 600 declared connectors over 5 targets cost the same 5 calls', async () => {
    const totals: number[] = [];
    for (const connectors of [30, 600]) {
      const workload = planWorkload(`${workspace}-${connectors}`, connectors, 5);
      seedWorkload(env, workload);
      env.emulator.resetStats();
      await planFor(workload.desired);
      totals.push(env.emulator.stats().total);
    }
    expect(totals).toEqual([5, 5]);
  });
});

describe('apply', () => {
  it('registers K connectors in one namespace with K register calls and one list to confirm them', async () => {
    const K = 25;
    const target = { workspaceId: workspace, namespace: 'default' };
    const plan = await planFor(registrationWorkload(target, K));
    env.emulator.resetStats();

    const result = await applyPlan(plan, env.api, { parallelism: 4, timeoutMs: 60_000, clock: instantClock(), log: silentLog });

    expect(result.ok).toBe(true);
    expect(result.outcomes).toHaveLength(K);
    expect(env.emulator.stats()).toEqual({ calls: { RegisterCustomConnector: K, ListCustomConnectors: 1 }, total: K + 1 });
  });

  it('confirms registrations with one list per namespace, not per connector', async () => {
    const targets = ['a', 'b', 'c'].map((namespace) => ({ workspaceId: workspace, namespace }));
    const plan = await planFor(targets.flatMap((t) => registrationWorkload(t, 12)));
    env.emulator.resetStats();

    const result = await applyPlan(plan, env.api, { parallelism: 4, timeoutMs: 60_000, clock: instantClock(), log: silentLog });

    expect(result.ok).toBe(true);
    expect(env.emulator.stats()).toEqual({ calls: { RegisterCustomConnector: 36, ListCustomConnectors: 3 }, total: 39 });
  });

  it('finishes every delete of a namespace before its first register', async () => {
    // 50 declared: 3 new, 3 drifted (replace = delete + register), 1 declared absent (delete).
    const workload = planWorkload(workspace, 50, 1);
    seedWorkload(env, workload);
    const plan = await planFor(workload.desired);
    expect(plan.counts).toEqual({ register: 3, replace: 3, delete: 1 });
    env.emulator.resetStats();
    const recorder = recording(env.api);

    const result = await applyPlan(plan, recorder.api, { parallelism: 4, timeoutMs: 60_000, clock: instantClock(), log: silentLog });

    expect(result.ok).toBe(true);
    const deletes = recorder.calls.filter((c) => c.op === 'delete');
    const registers = recorder.calls.filter((c) => c.op === 'register');
    expect(deletes).toHaveLength(4);
    expect(registers).toHaveLength(6);
    const lastDeleteEnded = Math.max(...deletes.map((c) => c.endedAt ?? Infinity));
    const firstRegisterStarted = Math.min(...registers.map((c) => c.startedAt));
    expect(lastDeleteEnded).toBeLessThan(firstRegisterStarted);
    // In between, one list confirms the deletions; after, one list confirms the registrations.
    expect(recorder.calls.map((c) => c.op).filter((op, i, all) => op !== all[i - 1])).toEqual(['delete', 'list', 'register', 'list']);
    expect(env.emulator.stats().calls).toEqual({ DeleteCustomConnector: 4, ListCustomConnectors: 2, RegisterCustomConnector: 6 });
    expect(new Set(recorder.calls.map((c) => c.target))).toEqual(new Set(workload.targets.map(targetKey)));
  });

  it.each([1, 3, 8])('with parallelism %i never has more calls in flight than that (one namespace)', async (parallelism) => {
    const target = { workspaceId: workspace, namespace: 'default' };
    const plan = await planFor(registrationWorkload(target, 30));
    const recorder = recording(env.api);

    const result = await applyPlan(plan, recorder.api, { parallelism, timeoutMs: 60_000, clock: instantClock(), log: silentLog });

    expect(result.ok).toBe(true);
    expect(recorder.peak.all).toBe(parallelism);
  });

  it('with parallelism P keeps registers and deletes across namespaces to P at once', async () => {
    const parallelism = 3;
    const targets = ['a', 'b', 'c', 'd'].map((namespace) => ({ workspaceId: workspace, namespace }));
    const plan = await planFor(targets.flatMap((t) => registrationWorkload(t, 10)));
    const recorder = recording(env.api);

    const result = await applyPlan(plan, recorder.api, { parallelism, timeoutMs: 60_000, clock: instantClock(), log: silentLog });

    expect(result.ok).toBe(true);
    expect(recorder.peak.mutations).toBe(parallelism);
  });

  // Known gap: the list calls of a wait run outside the apply's concurrency limit, so a namespace
  // that finished its registrations polls while other namespaces hold all P slots (at most P plus
  // one per namespace in flight). Remove `.fails` once the waits go through the same limit.
  it.fails('with parallelism P never has more than P calls in flight, wait lists included (several namespaces)', async () => {
    const parallelism = 3;
    const first = { workspaceId: workspace, namespace: 'first' };
    const second = { workspaceId: workspace, namespace: 'second' };
    const plan = await planFor([...registrationWorkload(first, parallelism), ...registrationWorkload(second, 12)]);
    // The second namespace's registrations are slow, so they still hold every slot while the
    // first namespace confirms its own.
    const recorder = recording(env.api, (op, target) => (op === 'register' && target.namespace === 'second' ? 40 : 0));

    const result = await applyPlan(plan, recorder.api, { parallelism, timeoutMs: 60_000, clock: instantClock(), log: silentLog });

    expect(result.ok).toBe(true);
    expect(recorder.peak.all).toBeLessThanOrEqual(parallelism);
  });
});

describe('wait', () => {
  /**
   * Registrations become visible `delay` ms after they are made, by the emulator's clock. Only
   * `Date` is faked, so the emulator, the client and the wait share one clock that moves only
   * when the wait sleeps: the number of polls is exact.
   */
  async function listsToConfirm(count: number, delayMs: number, intervalMs: number): Promise<number> {
    const target = { workspaceId: workspace, namespace: `wait-${count}` };
    const plan = await planFor(registrationWorkload(target, count));
    env.emulator.setVisibilityDelay(delayMs);
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2030-01-01T00:00:00Z') });
    try {
      const clock: Clock = {
        now: () => Date.now(),
        sleep: async (ms) => {
          vi.setSystemTime(Date.now() + ms);
          await new Promise((resolve) => setImmediate(resolve));
        },
      };
      env.emulator.resetStats();
      const result = await applyPlan(plan, env.api, { parallelism: 4, timeoutMs: 60_000, clock, log: silentLog, initialPollMs: intervalMs, maxPollMs: intervalMs });
      expect(result.ok).toBe(true);
      const stats = env.emulator.stats();
      expect(stats.calls.RegisterCustomConnector).toBe(count);
      return stats.calls.ListCustomConnectors ?? 0;
    } finally {
      vi.useRealTimers();
    }
  }

  it('polls a namespace once per tick however many connectors wait in it', async () => {
    const delayMs = 2_000;
    const intervalMs = 200;
    const one = await listsToConfirm(1, delayMs, intervalMs);
    const twenty = await listsToConfirm(20, delayMs, intervalMs);

    // Polls at 0, 200, ..., 2000 ms: the last one sees every registration.
    expect(one).toBe(delayMs / intervalMs + 1);
    expect(twenty).toBe(one);
  });
});
