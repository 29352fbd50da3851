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

const CATALOG_SIZE = 100;
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

interface RecordingOptions {
  /** Extra time a call takes before it reaches the API. */
  readonly delayFor?: (op: CallRecord['op'], target: Target) => number;
  /**
   * Registrations expected per target (`targetKey`): list calls on such a target are held until
   * all of them have returned, as if a list took longer than the registrations' spread.
   */
  readonly holdListsUntilRegistered?: ReadonlyMap<string, number>;
}

/** Wraps a ConnectorApi to record every call in order and the most calls ever in flight at once. */
const direct = <T>(call: () => Promise<T>): Promise<T> => call();

function recording(api: ConnectorApi, options: RecordingOptions = {}) {
  const calls: CallRecord[] = [];
  let sequence = 0;
  let inFlight = 0;
  let inFlightMutations = 0;
  const peak = { all: 0, mutations: 0 };
  const registered = new Map<string, number>();
  const releases = new Map<string, Array<() => void>>();
  const heldUntilRegistered = (key: string): Promise<void> => {
    const expected = options.holdListsUntilRegistered?.get(key) ?? 0;
    if ((registered.get(key) ?? 0) >= expected) return Promise.resolve();
    return new Promise((resolve) => releases.set(key, [...(releases.get(key) ?? []), resolve]));
  };
  const noteRegistered = (key: string): void => {
    registered.set(key, (registered.get(key) ?? 0) + 1);
    if ((registered.get(key) ?? 0) >= (options.holdListsUntilRegistered?.get(key) ?? 0)) {
      for (const release of releases.get(key) ?? []) release();
      releases.delete(key);
    }
  };
  const track = async <T>(op: CallRecord['op'], target: Target, call: () => Promise<T>): Promise<T> => {
    const key = targetKey(target);
    if (op === 'list') await heldUntilRegistered(key);
    const record: CallRecord = { op, target: key, startedAt: sequence++ };
    calls.push(record);
    inFlight++;
    if (op !== 'list') inFlightMutations++;
    peak.all = Math.max(peak.all, inFlight);
    peak.mutations = Math.max(peak.mutations, inFlightMutations);
    try {
      const delay = options.delayFor?.(op, target) ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return await call();
    } finally {
      inFlight--;
      if (op !== 'list') inFlightMutations--;
      record.endedAt = sequence++;
      if (op === 'register') noteRegistered(key);
    }
  };
  const wrapped: ConnectorApi = {
    list: (target) => track('list', target, () => api.list(target)),
    // A mutation runs each of its requests through the caller's limit: that is where one is in flight.
    register: (target, jarUrl, names, options) =>
      api.register(target, jarUrl, names, { ...options, limit: (call) => (options?.limit ?? direct)(() => track('register', target, call)) }),
    delete: (target, name, options) => api.delete(target, name, { ...options, limit: (call) => (options?.limit ?? direct)(() => track('delete', target, call)) }),
  };
  return { api: wrapped, calls, peak };
}

const registrationsPer = (targets: readonly Target[], count: number): Map<string, number> => new Map(targets.map((t) => [targetKey(t), count]));

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
    expect(plan.counts).toMatchObject({ register: workload.expected.register, replace: workload.expected.replace, delete: workload.expected.delete });
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
  const options = (parallelism = 4) => ({ parallelism, timeoutMs: 60_000, clock: instantClock(), log: silentLog });

  it('registers K connectors in one namespace with K register calls and one shared list to confirm them', async () => {
    const K = 25;
    const target = { workspaceId: workspace, namespace: 'default' };
    const plan = await planFor(registrationWorkload(target, K));
    env.emulator.resetStats();
    const recorder = recording(env.api, { holdListsUntilRegistered: registrationsPer([target], K) });

    const result = await applyPlan(plan, recorder.api, options());

    expect(result.ok).toBe(true);
    expect(result.outcomes).toHaveLength(K);
    expect(env.emulator.stats()).toEqual({ calls: { RegisterCustomConnector: K, ListCustomConnectors: 1 }, total: K + 1 });
  });

  it('confirms registrations with one list per namespace, not per connector', async () => {
    const targets = ['a', 'b', 'c'].map((namespace) => ({ workspaceId: workspace, namespace }));
    const plan = await planFor(targets.flatMap((t) => registrationWorkload(t, 12)));
    env.emulator.resetStats();
    const recorder = recording(env.api, { holdListsUntilRegistered: registrationsPer(targets, 12) });

    const result = await applyPlan(plan, recorder.api, options());

    expect(result.ok).toBe(true);
    expect(env.emulator.stats()).toEqual({ calls: { RegisterCustomConnector: 36, ListCustomConnectors: 3 }, total: 39 });
  });

  // Registrations of a namespace are all requested before its first poll.
  it('registers K connectors with exactly one list call when nothing holds the lists back', async () => {
    const K = 25;
    const target = { workspaceId: workspace, namespace: 'default' };
    const plan = await planFor(registrationWorkload(target, K));
    env.emulator.resetStats();

    const result = await applyPlan(plan, env.api, options());

    expect(result.ok).toBe(true);
    expect(env.emulator.stats()).toEqual({ calls: { RegisterCustomConnector: K, ListCustomConnectors: 1 }, total: K + 1 });
  });

  it('finishes every delete of a namespace, and confirms them, before its first register', async () => {
    // 50 declared in one namespace: 3 new, 3 drifted (replace = delete + register), 1 declared absent.
    const workload = planWorkload(workspace, 50, 1);
    seedWorkload(env, workload);
    const plan = await planFor(workload.desired);
    expect(plan.counts).toMatchObject({ register: 3, replace: 3, delete: 1 });
    env.emulator.resetStats();
    const recorder = recording(env.api);

    const result = await applyPlan(plan, recorder.api, options());

    expect(result.ok).toBe(true);
    const deletes = recorder.calls.filter((c) => c.op === 'delete');
    const registers = recorder.calls.filter((c) => c.op === 'register');
    expect(deletes).toHaveLength(4);
    expect(registers).toHaveLength(6);
    const lastDeleteEnded = Math.max(...deletes.map((c) => c.endedAt ?? Infinity));
    const firstRegisterStarted = Math.min(...registers.map((c) => c.startedAt));
    expect(lastDeleteEnded).toBeLessThan(firstRegisterStarted);
    // Between the two phases exactly one list confirms all four deletions.
    const between = recorder.calls.filter((c) => c.startedAt > lastDeleteEnded && c.startedAt < firstRegisterStarted);
    expect(between.map((c) => c.op)).toEqual(['list']);
    const stats = env.emulator.stats();
    expect(stats.calls).toMatchObject({ DeleteCustomConnector: 4, RegisterCustomConnector: 6 });
    expect(stats.calls.ListCustomConnectors).toBeGreaterThanOrEqual(2);
    expect(new Set(recorder.calls.map((c) => c.target))).toEqual(new Set(workload.targets.map(targetKey)));
  });

  it.each([1, 3, 8])('with parallelism %i keeps registers to that many in flight, and uses them all (one namespace)', async (parallelism) => {
    const target = { workspaceId: workspace, namespace: 'default' };
    const plan = await planFor(registrationWorkload(target, 30));
    const recorder = recording(env.api);

    const result = await applyPlan(plan, recorder.api, options(parallelism));

    expect(result.ok).toBe(true);
    expect(recorder.peak.mutations).toBe(parallelism);
  });

  it('with parallelism P keeps registers and deletes across namespaces to P at once', async () => {
    const parallelism = 3;
    const targets = ['a', 'b', 'c', 'd'].map((namespace) => ({ workspaceId: workspace, namespace }));
    const workload = planWorkload(workspace, 80, 4);
    seedWorkload(env, workload);
    const plan = await planFor([...workload.desired, ...targets.flatMap((t) => registrationWorkload(t, 10))]);
    expect(plan.counts.delete + plan.counts.replace).toBeGreaterThan(parallelism);
    const recorder = recording(env.api);

    const result = await applyPlan(plan, recorder.api, options(parallelism));

    expect(result.ok).toBe(true);
    expect(recorder.peak.mutations).toBe(parallelism);
  });

  // The shared poll's list calls count against the same limit as the changes: a namespace that
  // has finished registering waits for a slot while another namespace's registrations hold them all.
  it('with parallelism P never has more than P calls in flight, poll lists included (several namespaces)', async () => {
    const parallelism = 3;
    const first = { workspaceId: workspace, namespace: 'first' };
    const second = { workspaceId: workspace, namespace: 'second' };
    const plan = await planFor([...registrationWorkload(first, parallelism), ...registrationWorkload(second, 12)]);
    const recorder = recording(env.api, { delayFor: (op, target) => (op === 'register' && target.namespace === 'second' ? 30 : 0) });

    const result = await applyPlan(plan, recorder.api, options(parallelism));

    expect(result.ok).toBe(true);
    expect(recorder.peak.all).toBe(parallelism);
    // The first namespace's poll did overlap the second namespace's registrations.
    const firstList = recorder.calls.find((c) => c.op === 'list' && c.target === targetKey(first));
    const secondRegistersEnded = Math.max(...recorder.calls.filter((c) => c.op === 'register' && c.target === targetKey(second)).map((c) => c.endedAt ?? 0));
    expect(firstList?.startedAt).toBeLessThan(secondRegistersEnded);
  });
});

describe('wait', () => {
  /**
   * Registrations become visible `delayMs` after they are made, by the emulator's clock. Only
   * `Date` is faked, and the emulator is started after that, so the emulator, the client and the
   * wait share one clock that moves only when the wait sleeps: the number of polls is exact.
   * Lists are held until every registration has returned, so all of them wait from one instant.
   */
  async function listsToConfirm(count: number, delayMs: number, intervalMs: number): Promise<number> {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2030-01-01T00:00:00Z') });
    const local = await startBenchEnv({ latencyMs: 0, catalog: benchCatalog(count), visibilityDelayMs: delayMs });
    try {
      const target = { workspaceId: workspace, namespace: 'default' };
      const plan = await planFor(registrationWorkload(target, count), local.api);
      const recorder = recording(local.api, { holdListsUntilRegistered: registrationsPer([target], count) });
      const clock: Clock = {
        now: () => Date.now(),
        sleep: async (ms) => {
          vi.setSystemTime(Date.now() + ms);
          await new Promise((resolve) => setImmediate(resolve));
        },
      };
      local.emulator.resetStats();
      const result = await applyPlan(plan, recorder.api, {
        parallelism: 4,
        timeoutMs: 60_000,
        clock,
        log: silentLog,
        initialPollMs: intervalMs,
        maxPollMs: intervalMs,
      });
      expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
      const stats = local.emulator.stats();
      expect(stats.calls.RegisterCustomConnector).toBe(count);
      return stats.calls.ListCustomConnectors ?? 0;
    } finally {
      await local.emulator.close();
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
