/**
 * The cost of the impact reads: a plan that replaces one connector in a namespace holding
 * `deployments` deployments (a few of them use it) and a catalog of tables, read through the
 * production client (signing, HTTP, retries, paging) at the run's latency.
 */
import { performance } from 'node:perf_hooks';
import type { Plan } from '../src/model.js';
import { DEPLOYMENTS_PAGE_SIZE, readImpact } from '../src/pipeline/impact.js';
import { withBenchEnv } from './env.js';

export interface ImpactRow {
  readonly deployments: number;
  readonly tables: number;
  readonly parallelism: number;
  readonly wallMs: number;
  /** API calls by action. */
  readonly calls: Readonly<Record<string, number>>;
  /** Deployments found to use the replaced connector. */
  readonly users: number;
  /** Expected without contention: one first page, then the other pages `parallelism` at a time, all times the latency. */
  readonly expectedMs: number;
}

const TARGET = { workspaceId: 'bench-impact', namespace: 'default' };
const TYPE = 'kafka-orders';
/** One deployment in this many uses the connector inline; as many again through a catalog table. */
const USER_EVERY = 100;
const DATABASES = 10;

function planReplacing(): Plan {
  const live = { name: TYPE, type: TYPE, source: true, sink: true, lookup: false, properties: [], supportedFormats: [], dependencies: [] };
  const item = { action: 'replace' as const, target: TARGET, name: TYPE, type: TYPE, reason: 'the JAR changed', live };
  return { targets: [{ target: TARGET, items: [item] }], counts: { register: 0, replace: 1, delete: 0, adopt: 0, update: 0 }, warnings: [] };
}

export async function measureImpact(options: { latencyMs: number; deployments: number; tablesPerDatabase: number; parallelism: number }): Promise<ImpactRow> {
  return withBenchEnv({ latencyMs: options.latencyMs, catalog: {} }, async (env) => {
    const deployments = Array.from({ length: options.deployments }, (_, i) => {
      const name = `job-${String(i).padStart(5, '0')}`;
      if (i % USER_EVERY === 0) return { name, running: 1, sql: `CREATE TEMPORARY TABLE s (id BIGINT) WITH ('connector' = '${TYPE}', 'topic' = 't${i}');\nINSERT INTO out_${i} SELECT * FROM s;` };
      if (i % USER_EVERY === 1) return { name, running: 1, sql: `INSERT INTO out_${i} SELECT * FROM vvp.db0.t0;` };
      return { name, running: i % 3 === 0 ? 0 : 1, sql: `CREATE TEMPORARY TABLE g (id BIGINT) WITH ('connector' = 'datagen');\nINSERT INTO out_${i} SELECT * FROM g;` };
    });
    const tables = Array.from({ length: DATABASES * options.tablesPerDatabase }, (_, i) => ({
      table: `vvp.db${i % DATABASES}.t${Math.floor(i / DATABASES)}`,
      connector: i === 0 ? TYPE : 'datagen',
    }));
    env.emulator.seedUsage(TARGET.workspaceId, TARGET.namespace, { deployments, tables });
    env.emulator.resetStats();
    const started = performance.now();
    const plan = await readImpact(planReplacing(), env.api, { parallelism: options.parallelism, scanLimit: 2000 });
    const wallMs = performance.now() - started;
    const impact = plan.targets[0]?.items[0]?.impact;
    const pages = Math.ceil(options.deployments / DEPLOYMENTS_PAGE_SIZE);
    return {
      deployments: options.deployments,
      tables: tables.length,
      parallelism: options.parallelism,
      wallMs,
      calls: env.emulator.stats().calls,
      users: impact?.deployments.length ?? 0,
      expectedMs: (1 + Math.ceil((pages - 1) / options.parallelism)) * options.latencyMs,
    };
  });
}
