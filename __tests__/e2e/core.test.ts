import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY_SECRET, GITHUB_TOKEN, JARS, NS, WS, type World, connectorYaml, startWorld } from '../support/world.js';

/** Every byte the action wrote, except the mask commands that must carry the secret to the runner. */
function everythingWritten(run: { stdout: string; stderr: string; summary: string; outputs: Record<string, string> }): string {
  const log = (run.stdout + run.stderr)
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  return [log, run.summary, JSON.stringify(run.outputs)].join('\n');
}

describe('definitions → plan → apply against the emulator', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    await world.write({
      'connectors/kafka.yaml': connectorYaml({
        connector_name: 'kafka-orders',
        connector_type: 'kafka-orders',
        jar_url: JARS.kafkaV1,
        description: 'Orders stream',
        source: true,
        sink: true,
        supported_formats: ['avro', 'json'],
      }),
      'connectors/team-b/lookups.yml': [
        `workspace_id: ${WS}`,
        `namespace_name: ${NS}`,
        'connectors:',
        '  - connector_name: http-lookup',
        '    connector_type: http-lookup',
        `    jar_url: ${JARS.http}`,
        '    lookup: true',
        '  - connector_name: mysql-cdc',
        '    connector_type: mysql-cdc',
        `    jar_url: ${JARS.mysql}`,
        '    dependencies: [oss://flink-artifacts/deps/mysql-driver-8.0.33.jar]',
        '',
      ].join('\n'),
    });
  });

  afterAll(async () => {
    await world.close();
  });

  it('plans the registrations on a pull request without changing anything', async () => {
    const run = await world.plan();
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain('Plan: 3 to register, 0 to replace, 0 to delete.');
    expect(run.outputs['has-changes']).toBe('true');
    expect(run.outputs['to-register']).toBe('3');
    expect(run.outputs.result).toBe('planned');
    expect(JSON.parse(run.outputs['plan-json'] ?? '{}').summary.register).toBe(3);
    expect(run.summary).toContain('kafka-orders');
    expect(world.emulator.connectors(WS, NS)).toEqual([]);
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
  });

  it('registers every declared connector on push to the default branch', async () => {
    world.emulator.resetStats();
    const run = await world.apply();
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('applied');
    expect(run.stdout).toMatch(/registered kafka-orders in ws-e2e\/default \(\d+\.\d s\)/);
    const live = world.emulator.connectors(WS, NS).map((c) => c.name).sort();
    expect(live).toEqual(['http-lookup', 'kafka-orders', 'mysql-cdc']);
    expect(world.emulator.stats().calls.RegisterCustomConnector).toBe(3);
    expect(run.summary).toContain('kafka-orders');
  });

  it('then plans No changes.', async () => {
    const run = await world.plan();
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('No changes.');
    expect(run.outputs['has-changes']).toBe('false');
    expect(run.outputs.result).toBe('no-op');
  });

  it('replaces a connector whose live type contradicts the definition', async () => {
    const current = world.emulator.connectors(WS, NS).find((c) => c.name === 'kafka-orders');
    expect(current).toBeDefined();
    world.emulator.seed(WS, NS, [{ ...current!, type: 'kafka-orders-legacy' }]);
    const plan = await world.plan();
    expect(plan.stdout).toContain('Plan: 0 to register, 1 to replace, 0 to delete.');
    expect(plan.stdout).toContain('type: live kafka-orders-legacy, declared kafka-orders');
    const apply = await world.apply();
    expect(apply.exitCode, apply.stdout).toBe(0);
    expect(world.emulator.connectors(WS, NS).find((c) => c.name === 'kafka-orders')?.type).toBe('kafka-orders');
  });

  it('deletes a connector declared with state: absent, and reports the tables built on it', async () => {
    await world.write({ 'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', state: 'absent' }) });
    const plan = await world.plan();
    expect(plan.stdout).toContain('Plan: 0 to register, 0 to replace, 1 to delete.');
    const apply = await world.apply();
    expect(apply.exitCode, apply.stdout).toBe(0);
    expect(world.emulator.connectors(WS, NS).map((c) => c.name)).not.toContain('kafka-orders');
    expect(apply.stdout).toContain('vvp.default.orders_source');
    const again = await world.plan();
    expect(again.stdout).toContain('No changes.');
  });

  it('fails with a clear error when the signature secret is wrong, and never prints it', async () => {
    const wrong = 'definitely-Not-The-Secret-123';
    const run = await world.plan({ inputs: { 'access-key-secret': wrong } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/SignatureDoesNotMatch/);
    expect(run.outputs.result).toBe('failed');
    expect(everythingWritten(run)).not.toContain(wrong);
    expect(run.stdout).toContain(`::add-mask::${wrong}`);
  });

  it('never writes the access key secret or the GitHub token anywhere but the mask command', async () => {
    const runs = [await world.plan(), await world.apply()];
    for (const run of runs) {
      expect(run.stdout).toContain(`::add-mask::${ACCESS_KEY_SECRET}`);
      const written = everythingWritten(run);
      expect(written).not.toContain(ACCESS_KEY_SECRET);
      expect(written).not.toContain(GITHUB_TOKEN);
    }
  });
});
