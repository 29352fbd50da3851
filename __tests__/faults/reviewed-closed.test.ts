import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JARS, OWNER, REPO, WS, NS, type World, connectorYaml, startWorld } from '../support/world.js';

/** When the reviewed plan cannot be found on the merged pull request, the apply fails closed. */
describe('apply of a merged pull request that carries no reviewed plan', () => {
  let world: World;
  const sha = '9'.repeat(40);

  beforeAll(async () => {
    world = await startWorld({ checkReview: true });
    await world.write({ 'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }) });
    world.github.setPullsForCommit(OWNER, REPO, sha, [{ number: 31, merged_at: '2026-11-26T10:00:00Z', state: 'closed' }]);
  });
  afterAll(async () => {
    await world.close();
  });

  it('is refused, says why, and changes nothing', async () => {
    const run = await world.apply({ sha });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.stdout).toContain('Pull request #31 has no plan comment from this action');
    expect(run.stdout).toContain('Not reviewed: register kafka-orders in ws-e2e/default');
    expect(run.stdout).toContain('re-run the plan on a pull request');
    expect(world.emulator.connectors(WS, NS)).toEqual([]);
    expect(world.emulator.stats().calls.RegisterCustomConnector ?? 0).toBe(0);
  });

  it('is applied with allow-unreviewed-changes: true, with a warning', async () => {
    const run = await world.apply({ sha, inputs: { 'allow-unreviewed-changes': 'true' } });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.annotations.some((a) => a.level === 'warning' && a.message.includes('allow-unreviewed-changes: true'))).toBe(true);
    expect(world.emulator.connectors(WS, NS).map((c) => c.name)).toEqual(['kafka-orders']);
  });

  it('fails closed when the pull request lookup itself fails', async () => {
    await world.write({ 'connectors/mysql.yaml': connectorYaml({ connector_name: 'mysql-cdc', connector_type: 'mysql-cdc', jar_url: JARS.mysql }) });
    world.github.failNext('pulls', 500, 10);
    const run = await world.apply({ sha });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('The reviewed plan could not be read from GitHub');
    expect(world.emulator.connectors(WS, NS).map((c) => c.name)).toEqual(['kafka-orders']);
    world.github.allow('pulls');
  });
});

describe('a pull request from a fork with keyless sign-in configured', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ checkReview: true });
    await world.write({ 'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }) });
  });
  afterAll(async () => {
    await world.close();
  });

  it('validates only: a fork gets no ID token, so it never tries to sign in', async () => {
    const { prPayload } = await import('../support/world.js');
    const run = await world.plan({
      payload: prPayload(8, 'a'.repeat(40), true),
      inputs: {
        'access-key-id': '',
        'access-key-secret': '',
        'role-arn': 'acs:ram::1234567890123456:role/flink-plan',
        'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/github-actions',
      },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.summary).toContain('validation only');
    expect(run.stdout).toContain('comes from a fork');
    expect(world.emulator.stats().total).toBe(0);
  });
});
