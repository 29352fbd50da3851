/**
 * The benchmark's own functions in quick mode with no latency: checks the shape of the results and
 * the exact call counts, never the timings.
 */
import { describe, expect, it } from 'vitest';
import { type BenchResults, QUICK_OPTIONS, benchOptions, runBench } from '../../bench/bench.js';
import { resultsJson, resultsSvg, resultsTable } from '../../bench/render.js';

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
      expect(Number.isFinite(row.speedup)).toBe(true);
    }

    expect(results.apply.map((r) => r.parallelism)).toEqual(QUICK_OPTIONS.applyParallelism);
    for (const row of results.apply) {
      // Every registration, then one list that confirms them all.
      expect(row.calls).toEqual({ total: QUICK_OPTIONS.applyCount + 1, list: 1, register: QUICK_OPTIONS.applyCount, delete: 0 });
      expect(row.expectedMs).toBe(0);
    }
    expect(results.apply[0]?.speedup).toBe(1);

    // Impact of one replace: the deployments in pages of 100, then the catalog walk (10 databases).
    expect(results.impact.calls).toEqual({ ListDeployments: Math.ceil(QUICK_OPTIONS.impactDeployments / 100), GetCatalogs: 1, GetDatabases: 1, GetTables: 10 });
    // One deployment in 100 declares it inline, one in 100 names a catalog table built on it.
    expect(results.impact.users).toBe(2 * Math.ceil(QUICK_OPTIONS.impactDeployments / 100));
  });

  it('renders deterministic JSON, a table and an SVG chart', () => {
    const json = resultsJson(results);
    expect(json).toBe(resultsJson(results));
    expect(json.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(json) as { plan: { baseline: { extrapolated: boolean } }[]; apply: unknown[] };
    expect(parsed.plan).toHaveLength(results.plan.length);
    expect(parsed.plan.some((r) => r.baseline.extrapolated)).toBe(true);
    expect(parsed.apply).toHaveLength(results.apply.length);

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
