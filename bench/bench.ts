/**
 * The benchmark's scenarios and their results, independent of the command line and of output
 * formats, so a test can run a small configuration in-process.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { withBenchEnv } from './env.js';
import { type ImpactRow, measureImpact } from './impact.js';
import { type CallCounts, measureApply, measureBaseline, measurePlan, seedWorkload } from './measure.js';
import { benchCatalog, planWorkload } from './workload.js';

export interface BenchOptions {
  /** Latency the emulator adds to every API call. */
  readonly latencyMs: number;
  readonly quick: boolean;
  /** Declared connectors per plan scenario. */
  readonly planSizes: readonly number[];
  /** Namespaces the connectors are spread over. */
  readonly planNamespaces: readonly number[];
  /** Targets listed at once while planning (the action's `parallelism` input, default 4). */
  readonly planParallelism: number;
  /** Largest size the baseline is measured at; larger sizes are extrapolated from it. */
  readonly baselineCap: number;
  /** Registrations per apply scenario. */
  readonly applyCount: number;
  readonly applyParallelism: readonly number[];
  /** Deployments in the namespace whose impact reads are measured, and catalog tables per database (10 databases). */
  readonly impactDeployments: number;
  readonly impactTablesPerDatabase: number;
}

export const FULL_OPTIONS: BenchOptions = {
  latencyMs: 50,
  quick: false,
  planSizes: [100, 1_000, 10_000],
  planNamespaces: [1, 10, 50],
  planParallelism: 4,
  baselineCap: 1_000,
  applyCount: 200,
  applyParallelism: [1, 4, 16],
  impactDeployments: 10_000,
  impactTablesPerDatabase: 100,
};

export const QUICK_OPTIONS: BenchOptions = {
  latencyMs: 50,
  quick: true,
  planSizes: [40, 200],
  planNamespaces: [1, 4],
  planParallelism: 4,
  baselineCap: 40,
  applyCount: 20,
  applyParallelism: [1, 4],
  impactDeployments: 250,
  impactTablesPerDatabase: 5,
};

/** `--quick`, `--latency-ms N`, `--baseline-cap N`, `--parallelism N` (planning). */
export function benchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      'latency-ms': { type: 'string' },
      'baseline-cap': { type: 'string' },
      parallelism: { type: 'string' },
    },
    strict: true,
  });
  const base = values.quick ? QUICK_OPTIONS : FULL_OPTIONS;
  const integer = (raw: string | undefined, name: string, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"`);
    return n;
  };
  return {
    ...base,
    latencyMs: integer(values['latency-ms'], 'latency-ms', base.latencyMs, 0),
    baselineCap: integer(values['baseline-cap'], 'baseline-cap', base.baselineCap, 1),
    planParallelism: integer(values.parallelism, 'parallelism', base.planParallelism, 1),
  };
}

export interface BaselineResult {
  readonly wallMs: number;
  readonly calls: number;
  /** True when not measured but scaled linearly from the measured row of `basisConnectors`. */
  readonly extrapolated: boolean;
  readonly basisConnectors: number;
}

export interface PlanRow {
  readonly connectors: number;
  readonly namespaces: number;
  readonly wallMs: number;
  readonly calls: CallCounts;
  readonly planCpuMs: number;
  readonly planWallMs: number;
  readonly peakRssMb: number;
  readonly actions: { readonly register: number; readonly replace: number; readonly delete: number; readonly unchanged: number };
  readonly baseline: BaselineResult;
  /** Baseline wall time / ours. */
  readonly speedup: number;
}

export interface ApplyRow {
  readonly registrations: number;
  readonly parallelism: number;
  readonly wallMs: number;
  /** ⌈N/P⌉·L for the registrations plus L for the one list that confirms them. */
  readonly expectedMs: number;
  readonly calls: CallCounts;
  /** Wall time at the lowest parallelism measured / this one. */
  readonly speedup: number;
}

export interface BenchResults {
  readonly options: BenchOptions;
  readonly environment: { readonly node: string; readonly platform: string; readonly cpus: number; readonly cpuModel: string };
  readonly plan: readonly PlanRow[];
  readonly apply: readonly ApplyRow[];
  /** The impact reads of one replace in a namespace of `impactDeployments` deployments. */
  readonly impact: ImpactRow;
  /** Process-wide peak RSS (emulator included) at the end of the run. */
  readonly maxRssMb: number;
  readonly totalWallMs: number;
}

export type Progress = (message: string) => void;

interface PlanCell {
  readonly ours: Awaited<ReturnType<typeof measurePlan>>;
  readonly baseline?: Awaited<ReturnType<typeof measureBaseline>>;
}

/** Runs every scenario the options name, smallest first, each plan scenario on a fresh emulator. */
export async function runBench(options: BenchOptions, progress: Progress = () => undefined): Promise<BenchResults> {
  const started = performance.now();
  const sizes = [...options.planSizes].sort((a, b) => a - b);
  const smallest = sizes[0] ?? 0;
  const cells = new Map<string, PlanCell>();
  const cellKey = (connectors: number, namespaces: number): string => `${connectors}x${namespaces}`;

  for (const connectors of sizes) {
    for (const namespaces of options.planNamespaces) {
      const workload = planWorkload(`bench-plan-${connectors}x${namespaces}`, connectors, namespaces);
      // The baseline is always measured at the smallest size, so every larger one has a basis.
      const measureIt = connectors <= options.baselineCap || connectors === smallest;
      const cell = await withBenchEnv({ latencyMs: options.latencyMs, catalog: {} }, async (env) => {
        seedWorkload(env, workload);
        const ours = await measurePlan(env, workload, options.planParallelism);
        progress(`plan ${connectors} connectors / ${namespaces} namespaces: ${ours.wallMs.toFixed(0)} ms, ${ours.calls.total} calls`);
        const baseline = measureIt ? await measureBaseline(env, workload) : undefined;
        if (baseline) progress(`  baseline: ${baseline.wallMs.toFixed(0)} ms, ${baseline.calls.total} calls`);
        return { ours, baseline };
      });
      cells.set(cellKey(connectors, namespaces), cell);
    }
  }

  const plan: PlanRow[] = [];
  for (const connectors of sizes) {
    for (const namespaces of options.planNamespaces) {
      const { ours, baseline } = cells.get(cellKey(connectors, namespaces)) as PlanCell;
      const basisConnectors = baseline
        ? connectors
        : Math.max(...sizes.filter((n) => n < connectors && cells.get(cellKey(n, namespaces))?.baseline !== undefined));
      const basis = cells.get(cellKey(basisConnectors, namespaces))?.baseline;
      if (!basis) throw new Error(`no measured baseline to extrapolate ${connectors} connectors from`);
      const baselineResult: BaselineResult = baseline
        ? { wallMs: baseline.wallMs, calls: baseline.calls.total, extrapolated: false, basisConnectors }
        : { wallMs: (basis.wallMs * connectors) / basisConnectors, calls: connectors, extrapolated: true, basisConnectors };
      plan.push({
        connectors,
        namespaces,
        wallMs: ours.wallMs,
        calls: ours.calls,
        planCpuMs: ours.planCpuMs,
        planWallMs: ours.planWallMs,
        peakRssMb: ours.peakRssMb,
        actions: ours.counts,
        baseline: baselineResult,
        speedup: baselineResult.wallMs / ours.wallMs,
      });
    }
  }

  const apply = await withBenchEnv({ latencyMs: options.latencyMs, catalog: benchCatalog(options.applyCount) }, async (env) => {
    const measured = [];
    for (const parallelism of options.applyParallelism) {
      const target = { workspaceId: 'bench-apply', namespace: `apply-p${parallelism}` };
      const row = await measureApply(env, target, options.applyCount, parallelism);
      progress(`apply ${row.registrations} registrations at parallelism ${parallelism}: ${row.wallMs.toFixed(0)} ms, ${row.calls.total} calls`);
      measured.push(row);
    }
    return measured;
  });
  const reference = apply[0]?.wallMs ?? 0;

  const impact = await measureImpact({
    latencyMs: options.latencyMs,
    deployments: options.impactDeployments,
    tablesPerDatabase: options.impactTablesPerDatabase,
    parallelism: options.planParallelism,
  });
  progress(`impact of a replace among ${impact.deployments} deployments and ${impact.tables} tables: ${impact.wallMs.toFixed(0)} ms, ${Object.values(impact.calls).reduce((a, b) => a + b, 0)} calls`);

  const cpu = cpus();
  return {
    options,
    environment: { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpu.length, cpuModel: cpu[0]?.model.trim() ?? 'unknown' },
    plan,
    apply: apply.map((row) => ({
      ...row,
      expectedMs: (Math.ceil(row.registrations / row.parallelism) + 1) * options.latencyMs,
      speedup: reference / row.wallMs,
    })),
    impact,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    totalWallMs: performance.now() - started,
  };
}
