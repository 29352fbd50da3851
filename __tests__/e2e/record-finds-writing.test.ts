/**
 * A record write that fails after a replace is retried; when it never succeeds, the next run
 * cannot tell which JAR is live and replaces again. Apart from the other
 * record-finding tests because the retries of record writes wait in real time, which another
 * worker overlaps.
 */
import { describe, expect, it } from 'vitest';
import { explain, planLineOf, recordDeployments, sha } from '../support/record.js';
import { connectorYaml, JARS, type World, worldPerTest, WS } from '../support/world.js';

const kafka = (fields: Record<string, unknown> = {}): string => connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, ...fields });

let world: World;
worldPerTest({}, (started) => (world = started));

describe('writing', () => {
  it('a record write that fails after a replace is retried: the next run does not replace again', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka() });
    expect((await world.apply({ sha: sha('1') })).exitCode).toBe(0);
    await world.write({ 'connectors/kafka.yaml': kafka({ jar_url: JARS.kafkaV2 }) });
    world.github.failNext('deployments', 500, 4, 'POST');
    const run = await world.apply({ sha: sha('2') });
    expect(run.exitCode, explain(run)).toBe(0);
    world.emulator.resetStats();
    const next = await world.apply({ sha: sha('3') });
    expect(planLineOf(next), explain(next)).toBe('No changes.');
    expect(world.emulator.stats().calls.RegisterCustomConnector ?? 0).toBe(0);
    expect(recordDeployments(world)[0]?.payload).toMatchObject({ connectors: { 'kafka-orders': { jarUrl: JARS.kafkaV2 } } });
  });

  it('a record that cannot be written at all after a replace: the next run says so, and replaces again (which JAR is live cannot be seen)', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka() });
    expect((await world.apply({ sha: sha('1') })).exitCode).toBe(0);
    await world.write({ 'connectors/kafka.yaml': kafka({ jar_url: JARS.kafkaV2 }) });
    // The intended change is marked (deployment and status), then GitHub fails every write.
    world.github.failNext('deployments', 500, 1000, 'POST', { after: 2 });
    const run = await world.apply({ sha: sha('2') });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('Could not record what was applied');
    expect(world.emulator.stats().calls.RegisterCustomConnector).toBe(2);
    world.github.allow('deployments');

    world.emulator.resetStats();
    const next = await world.apply({ sha: sha('3') });
    expect(next.exitCode, explain(next)).toBe(0);
    expect(next.annotations).toContainEqual(
      expect.objectContaining({ level: 'warning', message: expect.stringContaining(`The record of ${WS}/default ends with changes the apply of 2222222 marked`) }),
    );
    expect(next.stdout).toContain('replace kafka-orders: which JAR is live cannot be seen, so it is planned again');
    expect(planLineOf(next)).toBe('Plan: 0 to register, 1 to replace, 0 to delete.');
    expect(world.emulator.stats().calls.RegisterCustomConnector).toBe(1);
    expect(recordDeployments(world)[0]?.payload).toMatchObject({ connectors: { 'kafka-orders': { jarUrl: JARS.kafkaV2 } } });
    expect(recordDeployments(world)[0]?.payload).not.toHaveProperty('interrupted');
    const after = await world.plan();
    expect(planLineOf(after), explain(after)).toBe('No changes.');
  });
});
