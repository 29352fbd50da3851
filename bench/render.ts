/**
 * Output formats of the benchmark: a Markdown table for the terminal and the docs, a JSON file and
 * a hand-drawn SVG chart. Pure; numbers are rounded once, here, so committed files diff cleanly.
 */
import type { BenchResults, PlanRow } from './bench.js';

const round = (value: number, digits: number): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/** Milliseconds, shown in the unit a reader compares most easily. */
export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

const formatSpeedup = (x: number): string => (x >= 100 ? `${x.toFixed(0)}×` : `${x.toFixed(1)}×`);

/** Stable key order and rounding, two-space indent, final newline. */
export function resultsJson(results: BenchResults): string {
  const { options, environment } = results;
  const document = {
    options: {
      latencyMs: options.latencyMs,
      quick: options.quick,
      planSizes: [...options.planSizes],
      planNamespaces: [...options.planNamespaces],
      planParallelism: options.planParallelism,
      baselineCap: options.baselineCap,
      applyCount: options.applyCount,
      applyParallelism: [...options.applyParallelism],
      impactDeployments: options.impactDeployments,
      impactTablesPerDatabase: options.impactTablesPerDatabase,
    },
    environment: { node: environment.node, platform: environment.platform, cpus: environment.cpus, cpuModel: environment.cpuModel },
    plan: results.plan.map((row) => ({
      connectors: row.connectors,
      namespaces: row.namespaces,
      wallMs: round(row.wallMs, 1),
      apiCalls: { total: row.calls.total, list: row.calls.list, register: row.calls.register, delete: row.calls.delete },
      planCpuMs: round(row.planCpuMs, 1),
      planWallMs: round(row.planWallMs, 1),
      peakRssMb: round(row.peakRssMb, 1),
      actions: { register: row.actions.register, replace: row.actions.replace, delete: row.actions.delete, unchanged: row.actions.unchanged },
      baseline: {
        wallMs: round(row.baseline.wallMs, 1),
        apiCalls: row.baseline.calls,
        extrapolated: row.baseline.extrapolated,
        basisConnectors: row.baseline.basisConnectors,
      },
      speedupVsBaseline: round(row.speedup, 1),
    })),
    apply: results.apply.map((row) => ({
      registrations: row.registrations,
      parallelism: row.parallelism,
      wallMs: round(row.wallMs, 1),
      expectedMs: round(row.expectedMs, 1),
      apiCalls: { total: row.calls.total, list: row.calls.list, register: row.calls.register, delete: row.calls.delete },
      speedupVsFirst: round(row.speedup, 2),
    })),
    impact: {
      deployments: results.impact.deployments,
      tables: results.impact.tables,
      parallelism: results.impact.parallelism,
      wallMs: round(results.impact.wallMs, 1),
      expectedMs: round(results.impact.expectedMs, 1),
      apiCalls: Object.fromEntries(Object.entries(results.impact.calls).sort(([a], [b]) => a.localeCompare(b))),
      users: results.impact.users,
    },
    maxRssMb: round(results.maxRssMb, 1),
    totalWallMs: round(results.totalWallMs, 0),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Both tables in Markdown, with a one-line header on the run. */
export function resultsTable(results: BenchResults): string {
  const { options } = results;
  const lines = [
    `Latency ${options.latencyMs} ms per API call; plan lists ${options.planParallelism} targets at a time; ${results.environment.cpus} CPU(s), Node ${results.environment.node}.`,
    '',
    '| connectors | namespaces | wall time | API calls | plan CPU | peak RSS | baseline wall time | baseline calls | speed-up |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.plan.map((row) => {
      const mark = row.baseline.extrapolated ? ' *' : '';
      return `| ${row.connectors.toLocaleString('en-US')} | ${row.namespaces} | ${formatMs(row.wallMs)} | ${row.calls.total} | ${formatMs(row.planCpuMs)} | ${row.peakRssMb.toFixed(0)} MB | ${formatMs(row.baseline.wallMs)}${mark} | ${row.baseline.calls.toLocaleString('en-US')}${mark} | ${formatSpeedup(row.speedup)}${mark} |`;
    }),
  ];
  if (results.plan.some((row) => row.baseline.extrapolated)) {
    lines.push('', '\\* extrapolated linearly from the measured baseline at the largest measured size with the same namespaces.');
  }
  lines.push(
    '',
    '| registrations | parallelism | wall time | expected ⌈N/P⌉·L + L | API calls (register + list) | speed-up vs first |',
    '|---:|---:|---:|---:|---:|---:|',
    ...results.apply.map(
      (row) =>
        `| ${row.registrations} | ${row.parallelism} | ${formatMs(row.wallMs)} | ${formatMs(row.expectedMs)} | ${row.calls.register} + ${row.calls.list} | ${formatSpeedup(row.speedup)} |`,
    ),
  );
  const impact = results.impact;
  const c = (action: string): number => impact.calls[action] ?? 0;
  lines.push(
    '',
    '| impact of one replace: deployments | catalog tables | parallelism | wall time | expected (pages) | API calls (ListDeployments + catalogs + databases + tables) | users found |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${impact.deployments} | ${impact.tables} | ${impact.parallelism} | ${formatMs(impact.wallMs)} | ${formatMs(impact.expectedMs)} | ${c('ListDeployments')} + ${c('GetCatalogs')} + ${c('GetDatabases')} + ${c('GetTables')} | ${impact.users} |`,
  );
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// SVG chart: plan wall time against declared connectors, both axes log10.

const WIDTH = 800;
const HEIGHT = 460;
const PLOT = { left: 80, right: 560, top: 50, bottom: 400 };
const OURS_COLOURS = ['#1d4ed8', '#0891b2', '#7c3aed', '#15803d', '#4338ca'];
const BASELINE_COLOURS = ['#dc2626', '#ea580c', '#b45309', '#be185d', '#9f1239'];

interface Point {
  readonly x: number;
  readonly y: number;
  readonly hollow: boolean;
}

interface Series {
  readonly label: string;
  readonly colour: string;
  readonly points: readonly Point[];
}

const px = (n: number): string => n.toFixed(1);

const escapeXml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));

function decades(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) out.push(e);
  return out;
}

const countLabel = (n: number): string => n.toLocaleString('en-US');
const timeLabel = (ms: number): string => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

function seriesOf(rows: readonly PlanRow[]): Series[] {
  const namespaces = [...new Set(rows.map((r) => r.namespaces))].sort((a, b) => a - b);
  const ours = namespaces.map((ns, i) => ({
    label: `ours, ${ns} namespace${ns === 1 ? '' : 's'}`,
    colour: OURS_COLOURS[i % OURS_COLOURS.length] as string,
    points: rows.filter((r) => r.namespaces === ns).map((r) => ({ x: r.connectors, y: r.wallMs, hollow: false })),
  }));
  const baseline = namespaces.map((ns, i) => ({
    label: `baseline, ${ns} namespace${ns === 1 ? '' : 's'}`,
    colour: BASELINE_COLOURS[i % BASELINE_COLOURS.length] as string,
    points: rows.filter((r) => r.namespaces === ns).map((r) => ({ x: r.connectors, y: r.baseline.wallMs, hollow: r.baseline.extrapolated })),
  }));
  return [...ours, ...baseline];
}

/** A line chart of plan wall time (ours and the baseline) against declared connectors. */
export function resultsSvg(results: BenchResults): string {
  const series = seriesOf(results.plan);
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y)).filter((y) => y > 0);
  const xDecades = decades(Math.min(...xs), Math.max(...xs));
  const yDecades = decades(Math.min(...ys), Math.max(...ys));
  const [x0, x1] = [xDecades[0] ?? 0, xDecades[xDecades.length - 1] ?? 1];
  const [y0, y1] = [yDecades[0] ?? 0, yDecades[yDecades.length - 1] ?? 1];
  const span = (a: number, b: number): number => (b > a ? b - a : 1);
  const sx = (x: number): number => PLOT.left + ((Math.log10(x) - x0) / span(x0, x1)) * (PLOT.right - PLOT.left);
  const sy = (y: number): number => PLOT.bottom - ((Math.log10(Math.max(y, 10 ** y0)) - y0) / span(y0, y1)) * (PLOT.bottom - PLOT.top);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PLOT.left}" y="24" font-size="15" font-weight="bold">Plan wall time vs declared connectors (${results.options.latencyMs} ms per API call)</text>`,
  ];
  for (const e of xDecades) {
    const x = px(sx(10 ** e));
    out.push(`<line x1="${x}" y1="${PLOT.top}" x2="${x}" y2="${PLOT.bottom}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${x}" y="${PLOT.bottom + 18}" text-anchor="middle">${countLabel(10 ** e)}</text>`);
  }
  for (const e of yDecades) {
    const y = px(sy(10 ** e));
    out.push(`<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${PLOT.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${timeLabel(10 ** e)}</text>`);
  }
  out.push(`<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="#111827"/>`);
  out.push(`<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}" stroke="#111827"/>`);
  out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 42}" text-anchor="middle">declared connectors (log scale)</text>`);
  out.push(
    `<text x="20" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle" transform="rotate(-90 20 ${(PLOT.top + PLOT.bottom) / 2})">wall time (log scale)</text>`,
  );

  for (const s of series) {
    const isBaseline = s.label.startsWith('baseline');
    for (let i = 1; i < s.points.length; i++) {
      const a = s.points[i - 1] as Point;
      const b = s.points[i] as Point;
      const dash = b.hollow ? ' stroke-dasharray="6 4"' : '';
      out.push(`<line x1="${px(sx(a.x))}" y1="${px(sy(a.y))}" x2="${px(sx(b.x))}" y2="${px(sy(b.y))}" stroke="${s.colour}" stroke-width="2"${dash}/>`);
    }
    for (const p of s.points) {
      const fill = p.hollow ? '#ffffff' : s.colour;
      const shape = isBaseline
        ? `<rect x="${px(sx(p.x) - 4)}" y="${px(sy(p.y) - 4)}" width="8" height="8" fill="${fill}" stroke="${s.colour}" stroke-width="2"/>`
        : `<circle cx="${px(sx(p.x))}" cy="${px(sy(p.y))}" r="4" fill="${fill}" stroke="${s.colour}" stroke-width="2"/>`;
      out.push(shape);
    }
  }

  const legendX = PLOT.right + 20;
  series.forEach((s, i) => {
    const y = PLOT.top + 10 + i * 22;
    const isBaseline = s.label.startsWith('baseline');
    out.push(`<line x1="${legendX}" y1="${y}" x2="${legendX + 24}" y2="${y}" stroke="${s.colour}" stroke-width="2"/>`);
    out.push(
      isBaseline
        ? `<rect x="${legendX + 8}" y="${y - 4}" width="8" height="8" fill="${s.colour}"/>`
        : `<circle cx="${legendX + 12}" cy="${y}" r="4" fill="${s.colour}"/>`,
    );
    out.push(`<text x="${legendX + 32}" y="${y}" dominant-baseline="middle">${escapeXml(s.label)}</text>`);
  });
  const noteY = PLOT.top + 10 + series.length * 22 + 10;
  if (results.plan.some((r) => r.baseline.extrapolated)) {
    out.push(`<rect x="${legendX + 8}" y="${noteY - 4}" width="8" height="8" fill="#ffffff" stroke="#6b7280" stroke-width="2"/>`);
    out.push(`<text x="${legendX + 32}" y="${noteY}" dominant-baseline="middle">hollow, dashed: extrapolated</text>`);
  }
  out.push(
    `<text x="${legendX}" y="${noteY + 28}" font-size="11" fill="#4b5563">ours: one list per namespace,</text>`,
    `<text x="${legendX}" y="${noteY + 43}" font-size="11" fill="#4b5563">${results.options.planParallelism} at a time</text>`,
    `<text x="${legendX}" y="${noteY + 61}" font-size="11" fill="#4b5563">baseline: one list per connector,</text>`,
    `<text x="${legendX}" y="${noteY + 76}" font-size="11" fill="#4b5563">sequential</text>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
