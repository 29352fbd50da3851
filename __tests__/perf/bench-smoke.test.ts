/**
 * The benchmark's own functions in quick mode with no latency: checks the shape of the results and
 * the exact call counts, never the timings.
 */
import { describe, expect, it } from 'vitest';
import { type BenchResults, QUICK_OPTIONS, benchOptions, runBench } from '../../bench/bench.js';
import { resultsJson, resultsSvg, resultsTable } from '../../bench/render.js';

/** A deep copy whose objects list their keys in reverse order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => reversedKeys(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reversedKeys(item)])) as T;
}

describe('bench options', () => {
  it('parses the command line', () => {
    expect(benchOptions([])).toMatchObject({ quick: false, latencyMs: 50, planSizes: [100, 1_000, 10_000], planNamespaces: [1, 10, 50] });
    expect(benchOptions(['--quick', '--latency-ms', '0', '--baseline-cap', '10'])).toMatchObject({ quick: true, latencyMs: 0, baselineCap: 10 });
    expect(() => benchOptions(['--latency-ms', '-1'])).toThrow(/latency-ms/);
    expect(() => benchOptions(['--bogus'])).toThrow();
  });
});

describe('quick bench run', () => {
  let results: BenchResults;

  it('measures every plan and apply scenario', async () => {
    results = await runBench({ ...QUICK_OPTIONS, latencyMs: 0 });

    const combos = QUICK_OPTIONS.planSizes.flatMap((connectors) => QUICK_OPTIONS.planNamespaces.map((namespaces) => ({ connectors, namespaces })));
    expect(results.plan.map((r) => ({ connectors: r.connectors, namespaces: r.namespaces }))).toEqual(combos);
    for (const row of results.plan) {
      // One list per namespace, nothing else.
      expect(row.calls).toEqual({ total: row.namespaces, list: row.namespaces, register: 0, delete: 0 });
      expect(row.actions.register + row.actions.replace + row.actions.delete + row.actions.unchanged).toBe(row.connectors);
      expect(row.actions.unchanged).toBeGreaterThan(row.connectors / 2);
      // The baseline reads once per declared connector, measured or extrapolated.
      expect(row.baseline.calls).toBe(row.connectors);
      expect(row.baseline.extrapolated).toBe(row.connectors > QUICK_OPTIONS.baselineCap);
      expect(row.peakRssMb).toBeGreaterThan(0);
      expect(row.speedup).toBeCloseTo(row.baseline.wallMs / row.wallMs, 9);
      // An extrapolated baseline scales the measured one of the same namespaces linearly.
      const basis = results.plan.find((r) => r.namespaces === row.namespaces && r.connectors === row.baseline.basisConnectors);
      expect(basis?.baseline.extrapolated).toBe(false);
      expect(row.baseline.wallMs).toBeCloseTo(((basis?.baseline.wallMs ?? NaN) * row.connectors) / row.baseline.basisConnectors, 9);
    }

    expect(results.apply.map((r) => r.parallelism)).toEqual(QUICK_OPTIONS.applyParallelism);
    for (const row of results.apply) {
      // Every registration, then one list that confirms them all.
      expect(row.calls).toEqual({ total: QUICK_OPTIONS.applyCount + 1, list: 1, register: QUICK_OPTIONS.applyCount, delete: 0 });
      expect(row.expectedMs).toBe(0);
    }
    // Speed-up against the first (least parallel) run, from the measured times.
    const first = results.apply[0]?.wallMs ?? NaN;
    for (const row of results.apply) expect(row.speedup).toBeCloseTo(first / row.wallMs, 9);

    // Impact of one replace: the deployments in pages of 100, then the catalog walk (10 databases).
    expect(results.impact.calls).toEqual({ ListDeployments: Math.ceil(QUICK_OPTIONS.impactDeployments / 100), GetCatalogs: 1, GetDatabases: 1, GetTables: 10 });
    // One deployment in 100 declares it inline, one in 100 names a catalog table built on it.
    expect(results.impact.users).toBe(2 * Math.ceil(QUICK_OPTIONS.impactDeployments / 100));
  });

  it('renders deterministic JSON, a table and an SVG chart', () => {
    const json = resultsJson(results);
    // The same results built in another key order give the same bytes.
    expect(resultsJson(reversedKeys(results))).toBe(json);
    expect(json.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(json) as {
      plan: { wallMs: number; speedupVsBaseline: number; baseline: { extrapolated: boolean; wallMs: number } }[];
      apply: { wallMs: number; speedupVsFirst: number }[];
    };
    expect(parsed.plan).toHaveLength(results.plan.length);
    expect(parsed.plan.some((r) => r.baseline.extrapolated)).toBe(true);
    expect(parsed.apply).toHaveLength(results.apply.length);
    // Numbers are the measurements, rounded once (0.1 ms; speed-ups 0.1 and 0.01).
    const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
    expect(parsed.plan.map((r) => [r.wallMs, r.baseline.wallMs, r.speedupVsBaseline])).toEqual(
      results.plan.map((r) => [round(r.wallMs, 1), round(r.baseline.wallMs, 1), round(r.speedup, 1)]),
    );
    expect(parsed.apply.map((r) => [r.wallMs, r.speedupVsFirst])).toEqual(results.apply.map((r) => [round(r.wallMs, 1), round(r.speedup, 2)]));

    const table = resultsTable(results);
    expect(table.split('\n').filter((line) => /^\| \d/.test(line))).toHaveLength(results.plan.length + results.apply.length + 1);
    expect(table).toContain(`| ${results.impact.deployments} | ${results.impact.tables} |`);
    expect(table).toContain('extrapolated');

    const svg = resultsSvg(results);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('ours, 1 namespace');
    expect(svg).toContain('baseline, 4 namespaces');
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });
});
