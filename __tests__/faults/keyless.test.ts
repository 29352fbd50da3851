/**
 * Keyless sign-in, end to end through the bundle: no access keys anywhere (no inputs, no
 * ALIBABA_CLOUD_* variables), only role-arn / oidc-provider-arn / sts-endpoint and the runner's
 * ID-token request variables; the STS speaks TLS with a certificate trusted via NODE_EXTRA_CA_CERTS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, everythingWritten, leaks, liveState } from '../support/fault-kit.js';
import { READ_ROLE_ARN, STS_KEY, WRITE_ROLE_ARN, type KeylessWorld, startKeylessWorld } from '../support/keyless-world.js';
import { JARS, connectorYaml } from '../support/world.js';

let world: KeylessWorld;

beforeAll(async () => {
  world = await startKeylessWorld();
  await world.write({
    'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, source: true, sink: true }),
  });
});

afterAll(async () => {
  await world.close();
});

const secrets = (): Record<string, string> => world.secrets();

describe('keyless sign-in through the bundle', () => {
  it('plans on a pull request with the read-only role', async () => {
    const run = await world.plan();
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Plan: 1 to register, 0 to replace, 0 to delete.');
    expect(world.sts.requests()).toContainEqual(expect.objectContaining({ action: 'AssumeRoleWithOIDC', status: 200, roleArn: READ_ROLE_ARN }));
    expect(world.issuer.issued()).toBe(1);
    expect(calls(world.emulator)).toEqual({ list: 1, register: 0, delete: 0, total: 1 });
    expect(liveState(world.emulator)).toEqual([]);
    // The STS secret and token are masked first, and never written otherwise.
    expect(run.stdout).toContain(`::add-mask::${STS_KEY.accessKeySecret}`);
    expect(run.stdout).toContain(`::add-mask::${STS_KEY.securityToken}`);
    expect(world.idTokens).toHaveLength(1);
    expect(leaks(everythingWritten(run), secrets())).toEqual([]);
  });

  it('applies on push with the apply role', async () => {
    const run = await world.apply();
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('applied');
    expect(world.sts.requests()).toContainEqual(expect.objectContaining({ action: 'AssumeRoleWithOIDC', status: 200, roleArn: WRITE_ROLE_ARN }));
    expect(calls(world.emulator).register).toBe(1);
    expect(liveState(world.emulator)).toEqual(['kafka-orders:kafka-orders']);
    expect(leaks(everythingWritten(run), secrets())).toEqual([]);
  });

  it('fails clearly, before any workspace call, when STS refuses the role', async () => {
    world.emulator.resetStats();
    const run = await world.apply({ role: 'acs:ram::1234567890123456:role/not-trusting-github' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.stdout).toMatch(/::error::.*AssumeRoleWithOIDC/);
    expect(calls(world.emulator).total).toBe(0);
    expect(leaks(everythingWritten(run), secrets())).toEqual([]);
  });
});
