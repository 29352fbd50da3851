/**
 * A replace proves itself, end to end: the bundled action validates the SQL of each deployment
 * using the connector before the old JAR is deleted and after the new one is visible; a deployment
 * that stops validating rolls the replace back; invalid-before, refused and unknown validations are
 * said, never counted as regressions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../scripts/local-runner.js';
import type { PlanJson } from '../../src/report/plan-json.js';
import { errorsOf, explain, sha } from '../support/record.js';
import { JARS, WS, type World, connectorYaml, startWorld } from '../support/world.js';

const V3 = 'oss://flink-artifacts/connectors/kafka-orders-3.0.0.jar';
const kafka = (jarUrl: string): string => connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: jarUrl, source: true, sink: true });

/** Valid with v1 and v2 (`topic`); v3 renamed it to `topics`. */
const ORDERS_ETL = "CREATE TEMPORARY TABLE o (id INT)\nWITH (\n  'connector' = 'kafka-orders',\n  'topic' = 'orders',\n  'properties.bootstrap.servers' = 'k:9092'\n);\nINSERT INTO s SELECT * FROM o;";
/** csv: invalid with v1 already. */
const CSV_JOB = "CREATE TEMPORARY TABLE c (id INT) WITH ('connector' = 'kafka-orders', 'topic' = 't', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'csv');";

let world: World;
let counter = 0;

beforeAll(async () => {
  world = await startWorld({ inputs: { 'max-retries': '0', 'request-timeout': '5s' } });
});
afterAll(async () => {
  await world.close();
});

/** A fresh namespace with v1 applied (so the record has it) and two deployments using it. */
async function withV1(): Promise<string> {
  const ns = `ns-verify-${++counter}`;
  world.emulator.clearFaults();
  await world.write({ 'connectors/kafka.yaml': kafka(JARS.kafkaV1) });
  const first = await world.apply({ sha: sha(String(counter)), inputs: { namespace: ns } });
  expect(first.exitCode, explain(first)).toBe(0);
  world.emulator.seedUsage(WS, ns, { deployments: [{ name: 'orders-etl', running: 1, sql: ORDERS_ETL }, { name: 'csv-job', sql: CSV_JOB }, { name: 'unrelated', sql: "CREATE TABLE g (a INT) WITH ('connector' = 'datagen');" }] });
  return ns;
}

async function replaceWith(ns: string, jarUrl: string, inputs: Record<string, string> = {}): Promise<RunResult> {
  await world.write({ 'connectors/kafka.yaml': kafka(jarUrl) });
  world.emulator.resetStats();
  return world.apply({ sha: sha(`${counter}f`), inputs: { namespace: ns, ...inputs } });
}

const change = (run: RunResult) => (JSON.parse(run.outputs['plan-json'] ?? '{}') as PlanJson).targets[0]?.changes.find((c) => c.name === 'kafka-orders');
const live = (ns: string) => world.emulator.connectors(WS, ns).find((c) => c.name === 'kafka-orders');

describe('verify: true (the default)', () => {
  it('a compatible replace is verified: both validations ran, the replace stays, outputs and plan-json say so', async () => {
    const ns = await withV1();
    const run = await replaceWith(ns, JARS.kafkaV2);
    expect(run.exitCode, explain(run)).toBe(0);
    expect(run.outputs.result).toBe('applied');
    expect(run.outputs.verified).toBe('1');
    expect(run.outputs.regressions).toBe('0');
    expect(live(ns)?.supportedFormats).toContain('csv');
    // Two users (the datagen job is not one), validated before and after.
    expect(world.emulator.stats().calls.ValidateSqlStatement).toBe(4);
    expect(change(run)?.verification?.deployments).toEqual([
      { name: 'orders-etl', result: 'verified' },
      { name: 'csv-job', result: 'already-invalid', message: expect.stringContaining("'csv'"), line: 1, column: expect.any(Number) },
    ]);
    const warnings = run.annotations.filter((a) => a.level === 'warning').map((a) => a.message).join('\n');
    expect(warnings).toContain('csv-job');
    expect(warnings).toContain('not counted as a regression');
    expect(run.summary).toContain('orders-etl: verified');
  });

  it('a replace that breaks a job rolls back to the recorded JAR and fails, naming the job, message, line and column', async () => {
    const ns = await withV1();
    const run = await replaceWith(ns, V3);
    expect(run.exitCode, explain(run)).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.outputs.regressions).toBe('1');
    expect(run.outputs.verified).toBe('0');
    // v1 is back: no csv, `topic` again.
    expect(live(ns)).toMatchObject({ supportedFormats: ['json', 'avro'] });
    expect(live(ns)?.properties.map((p) => p.key)).toContain('topic');
    const annotation = run.annotations.find((a) => a.level === 'error' && a.file === 'connectors/kafka.yaml');
    expect(annotation?.message).toContain('broke 1 deployment(s), rolled back to the recorded JAR');
    expect(annotation?.message).toMatch(/orders-etl \(line 3, column 3: One or more required options are missing/);
    expect(annotation?.message).toContain('topics');
    expect(errorsOf(run).join('\n')).toContain(`rolled back: registered the recorded JAR ${JARS.kafkaV1} again`);
    expect(change(run)?.verification?.deployments[0]).toMatchObject({ name: 'orders-etl', result: 'regressed', line: 3, column: 3 });
    expect(run.summary).toContain('orders-etl: **regressed**');
  });

  it('a refused ValidateSqlStatement gives one warning naming the permission; the replace stays, unverified', async () => {
    const ns = await withV1();
    world.emulator.injectFault({ action: 'ValidateSqlStatement', kind: 'http', status: 403, code: 'Forbidden.RAM', times: Infinity });
    const run = await replaceWith(ns, V3);
    world.emulator.clearFaults();
    expect(run.exitCode, explain(run)).toBe(0);
    expect(run.outputs.regressions).toBe('0');
    expect(run.outputs.verified).toBe('0');
    expect(world.emulator.stats().calls.ValidateSqlStatement).toBe(1);
    const named = run.annotations.filter((a) => a.level === 'warning' && a.message.includes('stream:ValidateSqlStatement'));
    expect(named).toHaveLength(1);
    expect(change(run)?.verification?.unverified).toContain('stream:ValidateSqlStatement');
  });

  it('validations that stay unknown are reported as unknown, never as regressions', async () => {
    const ns = await withV1();
    world.emulator.injectFault({ action: 'ValidateSqlStatement', kind: 'http', status: 503, code: 'ServiceUnavailable', times: Infinity });
    const run = await replaceWith(ns, V3);
    world.emulator.clearFaults();
    expect(run.exitCode, explain(run)).toBe(0);
    expect(run.outputs.regressions).toBe('0');
    expect(change(run)?.verification?.deployments.map((d) => d.result)).toEqual(['unknown', 'unknown']);
    expect(live(ns)?.properties.map((p) => p.key)).toContain('topics');
  });

  it('verify: false makes no validation; verify-limit bounds the validations per connector', async () => {
    const off = await replaceWith(await withV1(), V3, { verify: 'false' });
    expect(off.exitCode, explain(off)).toBe(0);
    expect(world.emulator.stats().calls.ValidateSqlStatement ?? 0).toBe(0);

    const limited = await replaceWith(await withV1(), JARS.kafkaV2, { 'verify-limit': '1' });
    expect(limited.exitCode, explain(limited)).toBe(0);
    expect(world.emulator.stats().calls.ValidateSqlStatement).toBe(2);
    expect(change(limited)?.verification?.deployments).toEqual([{ name: 'orders-etl', result: 'verified' }, { name: 'csv-job', result: 'not-verified' }]);
  });
});

describe('the plan shows the baseline', () => {
  it('says per deployment whether its SQL validates today, in the comment, the summary and plan-json', async () => {
    const ns = await withV1();
    await world.write({ 'connectors/kafka.yaml': kafka(V3) });
    world.emulator.resetStats();
    const run = await world.plan({ pr: 900 + counter, inputs: { namespace: ns } });
    expect(run.exitCode, explain(run)).toBe(0);
    // The impact's own read of the deployments is reused: one list, one validation per user.
    expect(world.emulator.stats().calls.ListDeployments).toBe(1);
    expect(world.emulator.stats().calls.ValidateSqlStatement).toBe(2);
    expect(run.summary).toContain('orders-etl: validates');
    expect(run.summary).toMatch(/csv-job: fails: line 1, column \d+: Could not find any format factory/);
    expect(change(run)?.verification?.deployments.map((d) => d.result)).toEqual(['validates', 'fails']);
    // The plan validates against what is registered now (v1), not the new JAR: nothing changed.
    expect(live(ns)?.properties.map((p) => p.key)).toContain('topic');
  });
});

describe('validate_sql smoke statements', () => {
  const SMOKE_OK = "CREATE TEMPORARY TABLE t (a INT) WITH ('connector' = 'redis-cache', 'host' = 'r')";
  const SMOKE_BAD = "CREATE TEMPORARY TABLE t (a INT) WITH ('connector' = 'redis-cache', 'hostname' = 'r')";
  const redis = (statements: string | string[]): string =>
    [`connector_name: redis-cache`, `connector_type: redis-cache`, `jar_url: ${JARS.redis}`, `validate_sql:`, ...(Array.isArray(statements) ? statements : [statements]).map((q) => `  - "${q}"`)].join('\n') + '\n';

  it('a statement that validates keeps the new connector; one that fails removes it again, annotated on the key, and the rest goes on', async () => {
    const ns = `ns-smoke-${++counter}`;
    await world.write({ 'connectors/kafka.yaml': kafka(JARS.kafkaV1), 'connectors/redis.yaml': redis(SMOKE_OK) });
    const ok = await world.apply({ sha: sha(`s${counter}`), inputs: { namespace: ns } });
    expect(ok.exitCode, explain(ok)).toBe(0);
    expect(ok.summary).toMatch(/validate\S*sql\S*1\S*: validates/);

    const ns2 = `ns-smoke-${++counter}`;
    await world.write({ 'connectors/redis.yaml': redis([SMOKE_OK, SMOKE_BAD]) });
    const bad = await world.apply({ sha: sha(`s${counter}`), inputs: { namespace: ns2 } });
    await world.remove('connectors/redis.yaml');
    expect(bad.exitCode, explain(bad)).toBe(1);
    expect(world.emulator.connectors(WS, ns2).map((c) => c.name)).toEqual(['kafka-orders']);
    const annotation = bad.annotations.find((a) => a.level === 'error' && a.file === 'connectors/redis.yaml');
    expect(annotation?.line).toBe(4);
    expect(annotation?.message).toMatch(/validate_sql\[2\] does not validate.*line 1, column \d+: .*Missing required options are:.*host/s);
  });
});
