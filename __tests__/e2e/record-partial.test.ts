import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOf, explain, latestRecord, liveNames, planLineOf, recordedConnectors, sha } from '../support/record.js';
import { JARS, type World, connectorYaml, startWorld } from '../support/world.js';

const file = (name: string, jarUrl: string): string => connectorYaml({ connector_name: name, connector_type: name, jar_url: jarUrl });

const ADDED = { 'mysql-cdc': JARS.mysql, 's3-archive': JARS.s3, 'pulsar-events': JARS.pulsar } as const;

describe('an apply that fails half-way reports what it did, and the next apply converges', () => {
  let world: World;
  let failed: string;

  beforeAll(async () => {
    world = await startWorld();
    await world.write({ 'connectors/kafka-orders.yaml': file('kafka-orders', JARS.kafkaV1), 'connectors/http-lookup.yaml': file('http-lookup', JARS.http) });
    const run = await world.apply({ sha: sha('1') });
    if (run.exitCode !== 0) throw new Error(explain(run));
  });

  afterAll(async () => {
    await world.close();
  });

  it('fails one registration of four changes, reports done and failed, and records only what is live', async () => {
    await world.remove('connectors/http-lookup.yaml');
    await world.write(Object.fromEntries(Object.entries(ADDED).map(([name, jar]) => [`connectors/${name}.yaml`, file(name, jar)])));
    const plan = await world.plan();
    expect(planLineOf(plan)).toBe('Plan: 3 to register, 0 to replace, 1 to delete.');

    world.emulator.resetStats();
    world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'business', errorCode: 'InternalError', errorMessage: 'boom', times: 1 });
    const run = await world.apply({ sha: sha('2') });
    expect(run.exitCode, explain(run)).toBe(1);
    expect(run.outputs.result).toBe('failed');
    // A refusal is not retried: exactly one call per JAR.
    expect(world.emulator.stats().calls.RegisterCustomConnector).toBe(3);

    const missing = Object.keys(ADDED).filter((n) => !liveNames(world).includes(n));
    expect(missing).toHaveLength(1);
    failed = missing[0]!;
    const done = Object.keys(ADDED).filter((n) => n !== failed);

    expect(run.stdout).toContain('Apply: 3 done, 1 failed, 0 skipped.');
    expect(run.stdout).toMatch(new RegExp(`failed to register ${failed} in ws-e2e/default \\([^)]*\\): register failed: .*boom`));
    for (const name of done) expect(run.stdout).toMatch(new RegExp(`^registered ${name} in ws-e2e/default`, 'm'));
    expect(run.stdout).toMatch(/^deleted http-lookup in ws-e2e\/default/m);
    const failure = errorsOf(run).join('\n');
    expect(failure).toContain(`Apply failed for 1 connector: ${failed} (register failed:`);
    expect(failure).toContain('boom');
    expect(run.summary).toContain(failed);

    expect(liveNames(world)).toEqual(['kafka-orders', ...done].sort());
    const record = latestRecord(world);
    expect(record.ref).toBe(sha('2'));
    expect(record.statuses[0]?.state).toBe('failure');
    expect(record.statuses[0]?.description).toContain('apply partly failed');
    const recorded = recordedConnectors(world);
    expect(Object.keys(recorded).sort()).toEqual(['kafka-orders', ...done].sort());
    expect(recorded['kafka-orders']?.commit).toBe(sha('1'));
    for (const name of done) expect(recorded[name]?.commit).toBe(sha('2'));
  });

  it('the next plan shows exactly the remaining work', async () => {
    const plan = await world.plan();
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(planLineOf(plan)).toBe('Plan: 1 to register, 0 to replace, 0 to delete.');
    expect(plan.stdout).toContain(`+ register ${failed} (type ${failed}) — not registered in ws-e2e/default`);
    expect(plan.outputs['to-register']).toBe('1');
  });

  it('a second apply converges, and then there are no changes', async () => {
    world.emulator.resetStats();
    const run = await world.apply({ sha: sha('3') });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(run.outputs.result).toBe('applied');
    expect(world.emulator.stats().calls.RegisterCustomConnector).toBe(1);
    expect(world.emulator.stats().calls.DeleteCustomConnector).toBeUndefined();
    expect(liveNames(world)).toEqual(['kafka-orders', 'mysql-cdc', 'pulsar-events', 's3-archive']);

    const record = latestRecord(world);
    expect(record.statuses[0]?.state).toBe('success');
    const recorded = recordedConnectors(world);
    expect(Object.keys(recorded).sort()).toEqual(['kafka-orders', 'mysql-cdc', 'pulsar-events', 's3-archive']);
    expect(recorded[failed]?.commit).toBe(sha('3'));

    const again = await world.plan();
    expect(planLineOf(again)).toBe('No changes.');
    expect(again.outputs.result).toBe('no-op');
  });
});
