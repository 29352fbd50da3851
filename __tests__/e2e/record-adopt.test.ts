import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_USER, consoleConnector, explain, latestRecord, liveNames, planLineOf, recordLineOf, recordedConnectors, sha } from '../support/record.js';
import { JARS, NS, WS, type World, connectorYaml, startWorld } from '../support/world.js';

const live = (world: World, name: string) => world.emulator.connectors(WS, NS).find((c) => c.name === name);

describe('adopting connectors registered outside the action', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    // Registered in the console before the action existed; s3-archive without its property metadata.
    world.emulator.seed(WS, NS, [await consoleConnector(JARS.pulsar), await consoleConnector(JARS.s3, { properties: [] })]);
  });

  afterAll(async () => {
    await world.close();
  });

  it('a declared, live, unrecorded connector is planned as adopt: a Record line, and No changes.', async () => {
    await world.write({
      'connectors/pulsar.yaml': connectorYaml({ connector_name: 'pulsar-events', connector_type: 'pulsar-events', jar_url: JARS.pulsar, source: true, sink: true }),
    });
    world.emulator.resetStats();
    const plan = await world.plan();
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(plan.stdout).toContain(
      '<= adopt pulsar-events (type pulsar-events) — registered outside this action; adopted into the record without re-registering (its JAR could not be verified)',
    );
    expect(recordLineOf(plan)).toBe('Record: 1 to adopt, 0 to update.');
    expect(planLineOf(plan)).toBe('No changes.');
    expect(plan.outputs['has-changes']).toBe('false');
    expect(JSON.parse(plan.outputs['plan-json'] ?? '{}').summary.adopt).toBe(1);
    const notice = plan.annotations.find((a) => a.level === 'notice' && a.message.includes('pulsar-events'));
    expect(notice?.message).toContain(`${JARS.pulsar} could not be verified`);
    expect(notice?.file).toBe('connectors/pulsar.yaml');
    expect(plan.stdout).toContain('? unmanaged s3-archive');
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
  });

  it('the apply records it without any RegisterCustomConnector call', async () => {
    world.emulator.resetStats();
    const run = await world.apply({ sha: sha('1') });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(run.outputs.result).toBe('applied');
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
    expect(live(world, 'pulsar-events')?.creator).toBe(CONSOLE_USER);
    expect(recordedConnectors(world)).toEqual({ 'pulsar-events': { jarUrl: JARS.pulsar, type: 'pulsar-events', commit: sha('1') } });
    expect(latestRecord(world).statuses[0]?.state).toBe('success');

    const again = await world.plan();
    expect(planLineOf(again)).toBe('No changes.');
    expect(recordLineOf(again)).toBeUndefined();
  });

  it('adoption checks the declared expectations against the live connector', async () => {
    await world.write({
      'connectors/s3.yaml': connectorYaml({ connector_name: 's3-archive', connector_type: 's3-archive', jar_url: JARS.s3, lookup: true }),
    });
    const plan = await world.plan();
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(planLineOf(plan)).toBe('Plan: 0 to register, 1 to replace, 0 to delete.');
    expect(plan.stdout).toContain('-/+ replace s3-archive (type s3-archive) — the live connector contradicts the definition');
    expect(plan.stdout).not.toContain('adopt s3-archive');
  });

  it('adopt: replace registers the JAR again instead of adopting', async () => {
    await world.write({
      'connectors/s3.yaml': connectorYaml({ connector_name: 's3-archive', connector_type: 's3-archive', jar_url: JARS.s3, sink: true, adopt: 'replace' }),
    });
    const plan = await world.plan();
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(planLineOf(plan)).toBe('Plan: 0 to register, 1 to replace, 0 to delete.');
    expect(plan.stdout).toContain('-/+ replace s3-archive (type s3-archive) — not in the record; adopt: replace asks to register it again');
    expect(recordLineOf(plan)).toBeUndefined();

    world.emulator.resetStats();
    const run = await world.apply({ sha: sha('2') });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(world.emulator.stats().calls.DeleteCustomConnector).toBe(1);
    expect(world.emulator.stats().calls.RegisterCustomConnector).toBe(1);
    const s3 = live(world, 's3-archive');
    expect(s3?.creator).not.toBe(CONSOLE_USER);
    expect(s3?.properties.map((p) => p.key)).toEqual(['path']);
    expect(live(world, 'pulsar-events')?.creator).toBe(CONSOLE_USER);
    expect(liveNames(world)).toEqual(['pulsar-events', 's3-archive']);
    expect(recordedConnectors(world)).toEqual({
      'pulsar-events': { jarUrl: JARS.pulsar, type: 'pulsar-events', commit: sha('1') },
      's3-archive': { jarUrl: JARS.s3, type: 's3-archive', commit: sha('2') },
    });

    const again = await world.plan();
    expect(planLineOf(again)).toBe('No changes.');
    expect(recordLineOf(again)).toBeUndefined();
  });
});
