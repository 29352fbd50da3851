/**
 * `npm run bench [-- --quick] [-- --latency-ms N] [-- --baseline-cap N] [-- --parallelism N]`
 *
 * Measures plan and apply against the in-process workspace emulator with injected latency, next
 * to a per-resource baseline, prints the tables and writes bench/results.json and
 * bench/results.svg (a quick run writes to bench/out/ instead, keeping the committed results).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOptions, runBench } from './bench.js';
import { formatMs, resultsJson, resultsSvg, resultsTable } from './render.js';
import { measureStartup } from './startup.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const options = benchOptions(process.argv.slice(2));
  const outDir = options.quick ? join(BENCH_DIR, 'out') : BENCH_DIR;
  console.log(`benchmark: ${options.quick ? 'quick' : 'full'} run, ${options.latencyMs} ms latency per API call`);
  const results = await runBench(options, (message) => console.log(message));
  console.log('');
  console.log(resultsTable(results));
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'results.json'), resultsJson(results));
  await writeFile(join(outDir, 'results.svg'), resultsSvg(results));
  const startup = await measureStartup(options.quick ? 3 : 9);
  console.log(
    `start-up with nothing to do: ${formatMs(startup.actionMedianMs)} median of ${startup.runs} (bare node: ${formatMs(startup.nodeMedianMs)}); bundle ${(startup.bundleBytes / 1_048_576).toFixed(2)} MiB`,
  );
  await writeFile(join(outDir, 'startup.json'), `${JSON.stringify({ ...startup, actionMedianMs: Math.round(startup.actionMedianMs), nodeMedianMs: Math.round(startup.nodeMedianMs) }, null, 2)}\n`);
  console.log(`wrote ${join(outDir, 'results.json')}, results.svg and startup.json in ${formatMs(results.totalWallMs)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
