/**
 * The blast radius of a replace or delete, end to end: the bundled action reads the emulated
 * namespace's deployments and catalog tables, shows who uses the connector in the comment, the
 * summary, `plan-json` and the annotation, refuses deletes running jobs depend on
 * (`protect-in-use`), and keeps its reads to targets with such a change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../scripts/local-runner.js';
import type { PlanJson } from '../../src/report/plan-json.js';
import { botComments, liveConnector } from '../support/pr-helpers.js';
import { JARS, OWNER, REPO, WS, type World, connectorYaml, startWorld } from '../support/world.js';

let world: World;
let counter = 0;
let pr = 400;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world.close();
});

/** A fresh namespace and PR per test, with one definition file. */
async function scenario(definition: string): Promise<{ ns: string; pr: number }> {
  counter += 1;
  await world.write({ 'connectors/c.yaml': definition });
  world.emulator.clearFaults();
  return { ns: `ns-impact-${counter}`, pr: ++pr };
}

async function planIn(ns: string, prNumber: number, inputs: Record<string, string> = {}): Promise<RunResult> {
  world.emulator.resetStats();
  return world.plan({ pr: prNumber, inputs: { namespace: ns, ...inputs } });
}

const comment = (prNumber: number): string => botComments(world.github, prNumber).at(-1)?.body ?? '';
const planJson = (run: RunResult): PlanJson => JSON.parse(run.outputs['plan-json'] ?? '{}') as PlanJson;

const KAFKA_SINK = connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, sink: true });
const REDIS_ABSENT = connectorYaml({ connector_name: 'redis-cache', state: 'absent' });

describe('impact after the apply', () => {
  it('names the jobs to restart for an applied replace above the folded plan, which keeps the impact', async () => {
    const { ns, pr } = await scenario(KAFKA_SINK);
    world.emulator.seed(WS, ns, [liveConnector({ name: 'kafka-orders', source: true })]);
    world.emulator.seedUsage(WS, ns, {
      deployments: [
        { name: 'orders-etl', running: 2, sql: "CREATE TEMPORARY TABLE o (id INT) WITH ('connector' = 'kafka-orders');" },
        { name: 'idle-etl', running: 0, sql: "CREATE TEMPORARY TABLE o (id INT) WITH ('connector' = 'kafka-orders');" },
      ],
      tables: [],
    });
    const plan = await planIn(ns, pr);
    expect(plan.exitCode, plan.stdout).toBe(0);
    const sha = 'c'.repeat(40);
    world.github.setPullsForCommit(OWNER, REPO, sha, [{ number: pr, merged_at: '2025-03-04T05:06:07Z', state: 'closed' }]);
    const apply = await world.apply({ sha, inputs: { namespace: ns, verify: 'false' } });
    expect(apply.exitCode, apply.stdout).toBe(0);
    const body = comment(pr);
    expect(body).toMatch(/\*\*Applied 1 of 1 at `ccccccc`\*\*/);
    expect(body).toContain('> [!IMPORTANT]\n> Restart to pick up the new JAR:\n> - `kafka-orders`: orders-etl (2 running)\n');
    expect(body.indexOf('Restart to pick up')).toBeLessThan(body.indexOf('<details><summary>The plan'));
    expect(body.slice(body.indexOf('<details><summary>The plan'))).toContain('**Impact:** used by 1 running deployment: orders-etl (2 running)');
    expect(apply.summary).toContain('Restart to pick up the new JAR');
  });
});

describe('impact of a replace', () => {
  it('shows the deployments that use it inline and through a catalog table, with running counts, and the tables', async () => {
    const { ns, pr } = await scenario(KAFKA_SINK);
    world.emulator.seed(WS, ns, [liveConnector({ name: 'kafka-orders', source: true, supportedFormats: ['json', 'avro'] })]);
    world.emulator.seedUsage(WS, ns, {
      deployments: [
        { name: 'orders-etl', running: 2, sql: "CREATE TEMPORARY TABLE o (id INT) WITH ('Connector' = \"kafka-orders\", 'topic' = 'orders');\nINSERT INTO sink_table SELECT * FROM o;" },
        { name: 'revenue-report', running: 1, sql: 'INSERT INTO report_out SELECT sum(amount) FROM shop.orders_topic;' },
        { name: 'unrelated', running: 4, sql: "CREATE TEMPORARY TABLE g (id INT) WITH ('connector' = 'datagen');" },
        { name: 'a-jar-job', kind: 'JAR', running: 1 },
      ],
      tables: [
        { table: 'vvp.shop.orders_topic', connector: 'kafka-orders' },
        { table: 'vvp.default.cache', connector: 'redis-cache' },
      ],
    });

    const run = await planIn(ns, pr);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain('Plan: 0 to register, 1 to replace, 0 to delete.');
    const body = comment(pr);
    expect(body).toContain('used by 2 running deployments: orders-etl (2 running), revenue-report (1 running); 1 table: vvp.shop.orders&#95;topic');
    expect(body).toContain('Running jobs keep the old JAR until they restart');
    expect(body).not.toContain('unrelated');
    expect(run.summary).toContain('orders-etl (2 running)');

    const change = planJson(run).targets[0]?.changes[0];
    expect(change?.impact).toEqual({
      known: true,
      deployments: [
        { name: 'orders-etl', kind: 'SQLSCRIPT', running: 2, via: ['inline'] },
        { name: 'revenue-report', kind: 'SQLSCRIPT', running: 1, via: ['table'] },
      ],
      tables: ['vvp.shop.orders_topic'],
      incomplete: false,
      note: null,
    });
    const annotation = run.annotations.find((a) => a.level === 'warning' && a.file === 'connectors/c.yaml' && a.line === 1);
    expect(annotation?.message).toMatch(/Impact: used by 2 running deployments: orders-etl \(2 running\), revenue-report \(1 running\); 1 table/);
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1, ListDeployments: 1, GetCatalogs: 1, GetDatabases: 1, GetTables: 2, ValidateSqlStatement: 2 });
  });

  it('annotates the line of the definition, not the first of the file', async () => {
    const { ns, pr } = await scenario(`# Orders connectors.\n# Owned by the data platform team.\n\n${KAFKA_SINK}`);
    world.emulator.seed(WS, ns, [liveConnector({ name: 'kafka-orders' })]);
    world.emulator.seedUsage(WS, ns, { deployments: [{ name: 'orders-etl', running: 1, sql: "WITH ('connector' = 'kafka-orders')" }] });

    const run = await planIn(ns, pr);
    expect(run.exitCode, run.stdout).toBe(0);
    const impact = run.annotations.filter((a) => a.message.includes('Impact: used by 1 running deployment: orders-etl'));
    expect(impact).toEqual([expect.objectContaining({ level: 'warning', file: 'connectors/c.yaml', line: 4 })]);
  });

  it('pages through 250 deployments and finds a user on the last page', async () => {
    const { ns, pr } = await scenario(KAFKA_SINK);
    world.emulator.seed(WS, ns, [liveConnector({ name: 'kafka-orders' })]);
    const idle = Array.from({ length: 249 }, (_, i) => ({ name: `job-${String(i).padStart(3, '0')}`, running: 1, sql: 'INSERT INTO a SELECT * FROM b' }));
    world.emulator.seedUsage(WS, ns, { deployments: [...idle, { name: 'last-one', running: 3, sql: "CREATE TEMPORARY TABLE t (a INT) WITH ('connector'='kafka-orders')" }] });

    const run = await planIn(ns, pr);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(comment(pr)).toContain('used by 1 running deployment: last-one (3 running)');
    expect(world.emulator.stats().calls.ListDeployments).toBe(3);
  });

  it('says "incomplete" when the catalog walk stops at impact-scan-limit', async () => {
    const { ns, pr } = await scenario(KAFKA_SINK);
    world.emulator.seed(WS, ns, [liveConnector({ name: 'kafka-orders' })]);
    world.emulator.seedUsage(WS, ns, {
      tables: ['a', 'b', 'c', 'd', 'e'].map((db) => ({ table: `vvp.${db}.orders`, connector: 'kafka-orders' })),
    });

    const run = await planIn(ns, pr, { 'impact-scan-limit': '2', parallelism: '1' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(comment(pr)).toContain('2 tables: vvp.a.orders, vvp.b.orders; incomplete');
    expect(planJson(run).targets[0]?.changes[0]?.impact?.incomplete).toBe(true);
    expect(run.stdout).toContain('stopped after 2 tables (impact-scan-limit)');
    expect(world.emulator.stats().calls.GetTables).toBe(2);
  });

  it('goes through the same retries: a throttled page is read again', async () => {
    const { ns, pr } = await scenario(KAFKA_SINK);
    world.emulator.seed(WS, ns, [liveConnector({ name: 'kafka-orders' })]);
    world.emulator.seedUsage(WS, ns, { deployments: [{ name: 'orders-etl', running: 1, sql: "WITH ('connector' = 'kafka-orders')" }] });
    world.emulator.injectFault({ action: 'ListDeployments', kind: 'http', status: 503, code: 'ServiceUnavailable' });

    const run = await planIn(ns, pr);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(comment(pr)).toContain('used by 1 running deployment: orders-etl (1 running)');
    expect(world.emulator.stats().calls.ListDeployments).toBe(2);
  });
});

describe('impact of a delete and protect-in-use', () => {
  async function redisUsedByRunningJob(): Promise<{ ns: string; pr: number }> {
    const s = await scenario(REDIS_ABSENT);
    world.emulator.seed(WS, s.ns, [liveConnector({ name: 'redis-cache', sink: true, lookup: true })]);
    world.emulator.seedUsage(WS, s.ns, {
      deployments: [{ name: 'cache-warmer', running: 1, sql: "CREATE TEMPORARY TABLE c (k STRING) WITH ('connector' = 'redis-cache');" }],
      tables: [{ table: 'vvp.default.cache', connector: 'redis-cache' }],
    });
    return s;
  }

  it('refuses a delete of a connector used by a running job, naming it, and the comment still shows the plan and why', async () => {
    const { ns, pr } = await redisUsedByRunningJob();
    const run = await planIn(ns, pr);
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.stdout).toMatch(/::error::protect-in-use is true, but the plan deletes 1 connector used by deployments with running jobs: redis-cache in ws-e2e\/ns-impact-\d+ \(used by cache-warmer, 1 running\)/);
    const body = comment(pr);
    expect(body).toContain('Plan: 0 to register, 0 to replace, 1 to delete.');
    expect(body).toContain('**Refused:** protect-in-use is true');
    expect(body).toContain('used by 1 running deployment: cache-warmer (1 running)');
    expect(body).toContain('will fail on their next restart');
  });

  it('plans the same delete with protect-in-use: false', async () => {
    const { ns, pr } = await redisUsedByRunningJob();
    const run = await planIn(ns, pr, { 'protect-in-use': 'false' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('planned');
    expect(comment(pr)).not.toContain('Refused');
    expect(comment(pr)).toContain('cache-warmer (1 running)');
  });

  it('does not refuse a delete whose users have no running job', async () => {
    const { ns, pr } = await scenario(REDIS_ABSENT);
    world.emulator.seed(WS, ns, [liveConnector({ name: 'redis-cache' })]);
    world.emulator.seedUsage(WS, ns, { deployments: [{ name: 'stopped-job', running: 0, sql: "WITH ('connector' = 'redis-cache')" }] });
    const run = await planIn(ns, pr);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(comment(pr)).toContain('used by 1 deployment with no running job: stopped-job');
  });
});

describe('costs and permissions', () => {
  it('a 403 on ListDeployments plans with a warning naming the RAM permission and "impact unknown"', async () => {
    const { ns, pr } = await scenario(KAFKA_SINK);
    world.emulator.seed(WS, ns, [liveConnector({ name: 'kafka-orders' })]);
    world.emulator.injectFault({ action: 'ListDeployments', kind: 'http', status: 403, code: 'Forbidden', message: 'User not authorized to operate on the specified resource.', times: Infinity });

    const run = await planIn(ns, pr);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('planned');
    expect(run.annotations).toContainEqual(expect.objectContaining({ level: 'warning', message: expect.stringContaining('Grant the optional RAM permission stream:ListDeployments') }));
    expect(comment(pr)).toContain('impact unknown (missing RAM permission stream:ListDeployments)');
    expect(planJson(run).targets[0]?.changes[0]?.impact).toMatchObject({ known: false, note: 'missing RAM permission stream:ListDeployments' });
    expect(world.emulator.stats().calls.ListDeployments).toBe(1);
  });

  it('a 403 on GetTables names that permission too, and the plan still succeeds', async () => {
    const { ns, pr } = await scenario(KAFKA_SINK);
    world.emulator.seed(WS, ns, [liveConnector({ name: 'kafka-orders' })]);
    world.emulator.seedUsage(WS, ns, { tables: [{ table: 'vvp.shop.orders_topic', connector: 'kafka-orders' }] });
    world.emulator.injectFault({ action: 'GetTables', kind: 'http', status: 403, code: 'Forbidden', message: 'User not authorized to operate on the specified resource.', times: Infinity });

    const run = await planIn(ns, pr);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('planned');
    expect(run.annotations).toContainEqual(expect.objectContaining({ level: 'warning', message: expect.stringContaining('Grant the optional RAM permission stream:GetTables') }));
    expect(comment(pr)).toContain('impact unknown (missing RAM permission stream:GetTables)');
  });

  it('a plan without replace or delete makes exactly one List call per target and nothing else', async () => {
    const { ns, pr } = await scenario(KAFKA_SINK);
    world.emulator.seedUsage(WS, ns, { deployments: [{ name: 'orders-etl', running: 1, sql: "WITH ('connector' = 'kafka-orders')" }] });
    const register = await planIn(ns, pr);
    expect(register.stdout).toContain('Plan: 1 to register, 0 to replace, 0 to delete.');
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });

    world.emulator.seed(WS, ns, [liveConnector({ name: 'kafka-orders', sink: true })]);
    const unchanged = await planIn(ns, pr);
    expect(unchanged.stdout).toContain('No changes.');
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
  });

  it('impact: false turns the reads off', async () => {
    const { ns, pr } = await scenario(KAFKA_SINK);
    world.emulator.seed(WS, ns, [liveConnector({ name: 'kafka-orders' })]);
    const run = await planIn(ns, pr, { impact: 'false' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
    expect(comment(pr)).not.toContain('Impact');
    expect(planJson(run).targets[0]?.changes[0]?.impact).toBeNull();
  });
});
