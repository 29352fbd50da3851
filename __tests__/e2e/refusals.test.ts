/**
 * What a plan refuses, the apply refuses too, and nothing the workspace cannot gain is attempted:
 * an expectation the unchanged JAR does not meet fails on its line instead of re-registering the
 * same JAR; a run that found no definition file stops before planning (it would delete everything
 * on record); an apply reads who uses the connectors it deletes and refuses under protect-in-use;
 * and a refused plan reviews nothing.
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../scripts/local-runner.js';
import { botComments, liveConnector } from '../support/pr-helpers.js';
import { errorsOf, explain, sha } from '../support/record.js';
import { merge } from '../support/review.js';
import { JARS, NS, WS, type World, connectorYaml, prPayload, worldPerTest } from '../support/world.js';

let world: World;
worldPerTest({ checkReview: true }, (started) => (world = started));

const UNREVIEWED = { 'allow-unreviewed-changes': 'true' };
const live = (): string[] => world.emulator.connectors(WS, NS).map((c) => c.name).sort();
const mutations = (): number => {
  const calls = world.emulator.stats().calls as Record<string, number | undefined>;
  return (calls.RegisterCustomConnector ?? 0) + (calls.DeleteCustomConnector ?? 0);
};
const planOnPr = (pr: number, inputs: Record<string, string> = {}): Promise<RunResult> => world.plan({ pr, payload: prPayload(pr, String(pr % 10).repeat(40)), inputs });

describe('an expectation the unchanged JAR does not meet', () => {
  const kafka = (formats: string): string =>
    connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, source: true, supported_formats: formats });

  it('fails the plan and the apply on the field line, and re-registers nothing', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka('[json, avro]') });
    const first = await world.apply({ sha: sha('1'), inputs: UNREVIEWED });
    expect(first.exitCode, explain(first)).toBe(0);

    // A typo: csv is not something kafka-orders-1.0.0.jar provides, and the JAR did not change.
    await world.write({ 'connectors/kafka.yaml': kafka('[json, avro, csv]') });
    world.emulator.resetStats();
    const plan = await planOnPr(41);
    expect(plan.exitCode, explain(plan)).toBe(1);
    const expected = 'the JAR provides avro, json; the definition declares json, avro, csv; change the JAR or the definition';
    expect(plan.annotations).toContainEqual({ level: 'error', file: 'connectors/kafka.yaml', line: 5, message: expect.stringContaining(`\`supported_formats\`: ${expected}`) });
    expect(errorsOf(plan).join('\n')).toContain(expected);
    const body = botComments(world.github, 41).at(-1)?.body ?? '';
    expect(body).toContain('<!-- flink-connector-action:changes -->');

    const apply = await world.apply({ sha: sha('2'), inputs: UNREVIEWED });
    expect(apply.exitCode, explain(apply)).toBe(1);
    expect(errorsOf(apply).join('\n')).toContain(expected);
    expect(mutations()).toBe(0);
    expect(world.emulator.connectors(WS, NS)).toEqual([expect.objectContaining({ name: 'kafka-orders', supportedFormats: ['json', 'avro'] })]);
  });

  it('still replaces when the JAR changed (the new JAR may provide what is declared)', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka('[json, avro]') });
    expect((await world.apply({ sha: sha('1'), inputs: UNREVIEWED })).exitCode).toBe(0);
    await world.write({ 'connectors/kafka.yaml': kafka('[json, avro, csv]').replace(JARS.kafkaV1, JARS.kafkaV2) });
    const apply = await world.apply({ sha: sha('2'), inputs: UNREVIEWED });
    expect(apply.exitCode, explain(apply)).toBe(0);
    expect(world.emulator.connectors(WS, NS)[0]?.supportedFormats).toContain('csv');
  });
});

describe('no definition file matched', () => {
  const KAFKA = connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 });

  it('fails before planning, whatever comment-key says, and deletes nothing on record', async () => {
    const inputs = { ...UNREVIEWED, 'comment-key': 'prod' };
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    expect((await world.apply({ sha: sha('1'), inputs })).exitCode).toBe(0);

    // A mistyped glob, and a checkout that did not happen: both find no file.
    world.emulator.resetStats();
    const typo = await world.apply({ sha: sha('2'), inputs: { ...inputs, definitions: 'conectors/**/*.yaml' } });
    await world.remove('connectors/kafka.yaml');
    const empty = await world.apply({ sha: sha('3'), inputs });
    const plan = await planOnPr(42, { 'comment-key': 'prod' });
    for (const run of [typo, empty, plan]) {
      expect(run.exitCode, explain(run)).toBe(1);
      expect(errorsOf(run).join('\n')).toContain(`no file matched \`definitions\` in ${world.repo}`);
      expect(run.stdout).not.toContain('Plan:');
    }
    expect(world.emulator.stats().calls).toEqual({});
    expect(live()).toEqual(['kafka-orders']);
  });
});

describe('protect-in-use at the apply', () => {
  const REDIS_ABSENT = connectorYaml({ connector_name: 'redis-cache', state: 'absent' });

  async function redisUsedByRunningJob(): Promise<void> {
    await world.write({ 'connectors/redis.yaml': REDIS_ABSENT });
    world.emulator.seed(WS, NS, [liveConnector({ name: 'redis-cache', sink: true, lookup: true })]);
    world.emulator.seedUsage(WS, NS, { deployments: [{ name: 'cache-warmer', running: 1, sql: "CREATE TEMPORARY TABLE c (k STRING) WITH ('connector' = 'redis-cache');" }] });
  }

  it('a PR refused by protect-in-use and merged anyway: the apply reads who uses the connector and refuses', async () => {
    await redisUsedByRunningJob();
    const plan = await planOnPr(51);
    expect(plan.exitCode).toBe(1);
    expect(errorsOf(plan).join('\n')).toContain('protect-in-use is true');
    merge(world, 51, sha('5'));

    const apply = await world.apply({ sha: sha('5') });
    expect(apply.exitCode, explain(apply)).toBe(1);
    expect(errorsOf(apply).join('\n')).toContain('protect-in-use is true, but the plan deletes 1 connector used by deployments with running jobs: redis-cache');
    expect(apply.stdout).toContain('cache-warmer');
    expect(live()).toEqual(['redis-cache']);
  });

  it('a refused plan reviews nothing: once the job stopped, the apply still refuses the delete as unreviewed', async () => {
    await redisUsedByRunningJob();
    expect((await planOnPr(52)).exitCode).toBe(1);
    expect(botComments(world.github, 52).at(-1)?.body).toContain('<!-- flink-connector-action:changes -->');
    merge(world, 52, sha('6'));
    world.emulator.seedUsage(WS, NS, { deployments: [{ name: 'cache-warmer', running: 0, sql: "CREATE TEMPORARY TABLE c (k STRING) WITH ('connector' = 'redis-cache');" }] });

    const apply = await world.apply({ sha: sha('6') });
    expect(apply.exitCode, explain(apply)).toBe(1);
    expect(errorsOf(apply).join('\n')).toContain('not in the reviewed set');
    expect(live()).toEqual(['redis-cache']);

    // Reviewed now that it is allowed: the next PR's plan counts, and the apply deletes.
    expect((await planOnPr(53)).exitCode).toBe(0);
    merge(world, 53, sha('7'));
    const reviewed = await world.apply({ sha: sha('7') });
    expect(reviewed.exitCode, explain(reviewed)).toBe(0);
    expect(live()).toEqual([]);
  });

  it('an apply that deletes nothing reads no impact', async () => {
    await world.write({ 'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }) });
    world.emulator.resetStats();
    const apply = await world.apply({ sha: sha('8'), inputs: UNREVIEWED });
    expect(apply.exitCode, explain(apply)).toBe(0);
    expect(Object.keys(world.emulator.stats().calls).sort()).toEqual(['ListCustomConnectors', 'RegisterCustomConnector']);
  });
});
