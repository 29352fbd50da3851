import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_TASK, RUN_URL, environmentOf, errorsOf, explain, latestRecord, planLineOf, recordDeployments, recordLineOf, recordedConnectors, sha } from '../support/record.js';
import { JARS, NS, WS, type World, connectorYaml, startWorld } from '../support/world.js';

const kafka = (jarUrl: string, description = 'Orders stream'): string =>
  connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: jarUrl, description, source: true, sink: true });

const kafkaLive = (world: World) => world.emulator.connectors(WS, NS).find((c) => c.name === 'kafka-orders');

describe('JAR changes are tracked through the record, with rollback', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
  });

  afterAll(async () => {
    await world.close();
  });

  it('records v1 after the first apply: one deployment with ref, task, payload, status and log link', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka(JARS.kafkaV1) });
    const run = await world.apply({ sha: sha('1') });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(run.outputs.result).toBe('applied');
    expect(kafkaLive(world)?.supportedFormats).not.toContain('csv');

    const deployments = recordDeployments(world);
    expect(deployments).toHaveLength(1);
    const d = latestRecord(world);
    expect(d.environment).toBe(environmentOf(WS, NS));
    expect(d.ref).toBe(sha('1'));
    expect(d.task).toBe(RECORD_TASK);
    expect(d.payload).toMatchObject({
      workspaceId: WS,
      namespace: NS,
      connectors: { 'kafka-orders': { jarUrl: JARS.kafkaV1, type: 'kafka-orders', description: 'Orders stream', commit: sha('1') } },
    });
    expect(d.statuses).toHaveLength(1);
    expect(d.statuses[0]?.state).toBe('success');
    expect(d.statuses[0]?.log_url).toBe(RUN_URL);
  });

  it('a new JAR whose type contradicts the definition fails and rolls back to the recorded JAR', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka(JARS.redis) });
    const plan = await world.plan();
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(planLineOf(plan)).toBe('Plan: 0 to register, 1 to replace, 0 to delete.');
    expect(plan.stdout).toContain(`jar_url: recorded ${JARS.kafkaV1}, declared ${JARS.redis}`);

    world.emulator.resetStats();
    const run = await world.apply({ sha: sha('2') });
    expect(run.exitCode, explain(run)).toBe(1);
    expect(run.outputs.result).toBe('failed');
    const failure = errorsOf(run).join('\n');
    expect(failure).toContain('Apply failed for 1 connector: kafka-orders');
    expect(failure).toContain('redis-cache (type redis-cache)');
    expect(failure).toContain(`rolled back: registered the recorded JAR ${JARS.kafkaV1} again`);

    // v1 is live again (no csv), and nothing the wrong JAR brought in is left behind.
    expect(world.emulator.connectors(WS, NS).map((c) => c.name)).toEqual(['kafka-orders']);
    expect(kafkaLive(world)).toMatchObject({ type: 'kafka-orders', supportedFormats: ['json', 'avro'] });
    // delete v1, register the redis JAR, delete redis-cache again, register v1 again.
    expect(world.emulator.stats().calls.RegisterCustomConnector).toBe(2);
    expect(world.emulator.stats().calls.DeleteCustomConnector).toBe(2);

    // The record still says v1, from the commit that applied it; the status says the apply failed.
    const d = latestRecord(world);
    expect(recordDeployments(world)).toHaveLength(2);
    expect(d.ref).toBe(sha('2'));
    expect(d.statuses[0]?.state).toBe('failure');
    expect(d.statuses[0]?.log_url).toBe(RUN_URL);
    expect(recordedConnectors(world)).toEqual({ 'kafka-orders': { jarUrl: JARS.kafkaV1, type: 'kafka-orders', description: 'Orders stream', commit: sha('1') } });
  });

  it('v2: the plan shows the replace, the apply registers v2 and records it', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka(JARS.kafkaV2) });
    const plan = await world.plan();
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(planLineOf(plan)).toBe('Plan: 0 to register, 1 to replace, 0 to delete.');
    expect(plan.stdout).toContain('-/+ replace kafka-orders (type kafka-orders) — the JAR changed');
    expect(plan.stdout).toContain(`jar_url: recorded ${JARS.kafkaV1}, declared ${JARS.kafkaV2}`);
    expect(plan.outputs['to-replace']).toBe('1');

    world.emulator.resetStats();
    const run = await world.apply({ sha: sha('3') });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(run.outputs.result).toBe('applied');
    expect(kafkaLive(world)?.supportedFormats).toContain('csv');
    expect(world.emulator.stats().calls.DeleteCustomConnector).toBe(1);
    expect(world.emulator.stats().calls.RegisterCustomConnector).toBe(1);
    expect(run.stdout).toContain('tables built on it: vvp.default.orders_source, vvp.default.orders_sink');

    expect(recordDeployments(world)).toHaveLength(3);
    const d = latestRecord(world);
    expect(d.environment).toBe(environmentOf(WS, NS));
    expect(d.ref).toBe(sha('3'));
    expect(d.task).toBe(RECORD_TASK);
    expect(d.payload).toMatchObject({ connectors: { 'kafka-orders': { jarUrl: JARS.kafkaV2, type: 'kafka-orders', commit: sha('3') } } });
    expect(d.statuses[0]?.state).toBe('success');
    expect(d.statuses[0]?.log_url).toBe(RUN_URL);

    const again = await world.plan();
    expect(planLineOf(again)).toBe('No changes.');
    expect(recordLineOf(again)).toBeUndefined();
  });

  it('a description-only change updates the record without any API call but the list', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka(JARS.kafkaV2, 'Orders stream, v2 with csv') });
    world.emulator.resetStats();
    const plan = await world.plan();
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(plan.stdout).toContain('~ update kafka-orders (type kafka-orders) — only the description changed');
    expect(recordLineOf(plan)).toBe('Record: 0 to adopt, 1 to update.');
    expect(planLineOf(plan)).toBe('No changes.');
    expect(plan.outputs['has-changes']).toBe('false');
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });

    world.emulator.resetStats();
    const before = kafkaLive(world);
    const run = await world.apply({ sha: sha('4') });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
    expect(kafkaLive(world)).toEqual(before);
    expect(latestRecord(world).ref).toBe(sha('4'));
    expect(recordedConnectors(world)['kafka-orders']).toEqual({ jarUrl: JARS.kafkaV2, type: 'kafka-orders', description: 'Orders stream, v2 with csv', commit: sha('4') });

    const again = await world.plan();
    expect(planLineOf(again)).toBe('No changes.');
    expect(recordLineOf(again)).toBeUndefined();
  });
});
