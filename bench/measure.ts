/**
 * One measurement each: our plan (observe + buildPlan), the per-resource baseline, and an apply of
 * registrations. API calls come from the emulator's own counters, so they are exact.
 */
import { performance } from 'node:perf_hooks';
import { applyPlan } from '../src/apply/apply.js';
import { systemClock } from '../src/apply/ports.js';
import type { EmulatorStats } from '../src/emulator/server.js';
import type { LiveConnector, Plan, Target } from '../src/model.js';
import { targetKey } from '../src/model.js';
import { observe } from '../src/observe.js';
import { buildPlan, targetsOf } from '../src/plan/plan.js';
import type { BenchEnv } from './env.js';
import { type ExpectedCounts, type PlanWorkload, registrationWorkload } from './workload.js';

export interface CallCounts {
  readonly total: number;
  readonly list: number;
  readonly register: number;
  readonly delete: number;
}

export interface PlanMeasurement {
  readonly connectors: number;
  readonly namespaces: number;
  /** observe + buildPlan, as a plan run spends it between loading definitions and reporting. */
  readonly wallMs: number;
  /** CPU (user + system) of buildPlan alone. */
  readonly planCpuMs: number;
  readonly planWallMs: number;
  /** Highest resident set size sampled during the measurement (includes the in-process emulator). */
  readonly peakRssMb: number;
  readonly calls: CallCounts;
  readonly counts: ExpectedCounts;
}

export interface BaselineMeasurement {
  readonly wallMs: number;
  readonly calls: CallCounts;
}

export interface ApplyMeasurement {
  readonly registrations: number;
  readonly parallelism: number;
  readonly wallMs: number;
  readonly calls: CallCounts;
}

export function callCounts(stats: EmulatorStats): CallCounts {
  return {
    total: stats.total,
    list: stats.calls.ListCustomConnectors ?? 0,
    register: stats.calls.RegisterCustomConnector ?? 0,
    delete: stats.calls.DeleteCustomConnector ?? 0,
  };
}

const toMb = (bytes: number): number => bytes / (1024 * 1024);

/**
 * Peak RSS over an interval. Sampling misses a peak inside a synchronous stretch (buildPlan), so
 * callers also `sample()` right after one: V8 rarely returns heap pages that quickly.
 */
export function rssSampler(intervalMs = 5): { sample(): void; stop(): number } {
  let peak = process.memoryUsage.rss();
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      sample();
      return toMb(peak);
    },
  };
}

/** Puts the workload's live connectors in place, as if registered long ago. */
export function seedWorkload(env: BenchEnv, workload: PlanWorkload): void {
  for (const { target, connectors } of workload.live.values()) {
    if (connectors.length > 0) env.emulator.seed(target.workspaceId, target.namespace, connectors);
  }
}

function countActions(plan: Plan): ExpectedCounts {
  const counts = { register: 0, replace: 0, delete: 0, unchanged: 0 };
  for (const t of plan.targets) {
    for (const item of t.items) if (item.action in counts) counts[item.action as keyof typeof counts]++;
  }
  return counts;
}

/** What a plan run does against the API: one bounded-concurrency list per target, then the pure plan. */
export async function measurePlan(env: BenchEnv, workload: PlanWorkload, parallelism: number): Promise<PlanMeasurement> {
  env.emulator.resetStats();
  const memory = rssSampler();
  const started = performance.now();
  const observed = await observe(targetsOf(workload.desired, workload.records), env.api, parallelism);
  memory.sample();
  const cpuBefore = process.cpuUsage();
  const planStarted = performance.now();
  const plan = buildPlan(workload.desired, observed, { prune: false, records: workload.records });
  const planWallMs = performance.now() - planStarted;
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - started;
  const peakRssMb = memory.stop();
  return {
    connectors: workload.desired.length,
    namespaces: workload.targets.length,
    wallMs,
    planCpuMs: (cpu.user + cpu.system) / 1000,
    planWallMs,
    peakRssMb,
    calls: callCounts(env.emulator.stats()),
    counts: countActions(plan),
  };
}

/**
 * The per-resource design: every declared connector is read on its own, and since the API has no
 * get, a read is a list of its namespace. Sequential, as a provider refreshing resources one by one.
 * The result is assembled into the same observed map so both designs end with equal information
 * about declared connectors (the baseline still misses unmanaged ones).
 */
export async function measureBaseline(env: BenchEnv, workload: PlanWorkload): Promise<BaselineMeasurement> {
  env.emulator.resetStats();
  const started = performance.now();
  const observed = new Map<string, LiveConnector[]>();
  for (const d of workload.desired) {
    const live = await env.api.list(d.target);
    const found = live.find((c) => c.name === d.name);
    const key = targetKey(d.target);
    const known = observed.get(key) ?? [];
    if (found) known.push(found);
    observed.set(key, known);
  }
  buildPlan(workload.desired, observed, { prune: false, records: workload.records });
  return { wallMs: performance.now() - started, calls: callCounts(env.emulator.stats()) };
}

const silentLog = { info: (): void => undefined, warning: (): void => undefined };

/** Registers `count` new connectors in the empty `target` and waits until all are listed. */
export async function measureApply(env: BenchEnv, target: Target, count: number, parallelism: number): Promise<ApplyMeasurement> {
  const desired = registrationWorkload(target, count);
  const observed = await observe([target], env.api, parallelism);
  const plan = buildPlan(desired, observed, { prune: false });
  env.emulator.resetStats();
  const started = performance.now();
  const result = await applyPlan(plan, env.api, { parallelism, timeoutMs: 120_000, clock: systemClock, log: silentLog });
  const wallMs = performance.now() - started;
  if (!result.ok) {
    const failed = result.outcomes.filter((o) => o.status !== 'done');
    throw new Error(`apply at parallelism ${parallelism} failed for ${failed.length} connector(s): ${failed[0]?.message ?? ''}`);
  }
  return { registrations: count, parallelism, wallMs, calls: callCounts(env.emulator.stats()) };
}
