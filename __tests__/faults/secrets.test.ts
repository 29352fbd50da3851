/**
 * No secret leaks: every byte the action writes (stdout, stderr, job summary, outputs) and every
 * byte it leaves on GitHub (comment bodies, deployment payloads and statuses) is searched for
 * each secret, across a plan, an apply, a failing apply whose server errors echo secrets, a
 * signature failure, a debug-logging run, and a keyless (OIDC) plan and apply. Only
 * `::add-mask::` lines may carry a secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../scripts/local-runner.js';
import { FAST, KILL_AFTER_MS, everythingOnGitHub, everythingWritten, leaks } from '../support/fault-kit.js';
import { STS_KEY, type KeylessWorld, startKeylessWorld } from '../support/keyless-world.js';
import { ACCESS_KEY_SECRET, GITHUB_TOKEN, JARS, OWNER, REPO, type World, connectorYaml, prPayload, startWorld } from '../support/world.js';

const PR = 31;
const WRONG_SECRET = 'wrong-Secret-For-Signature-4455';

describe('static keys: plan, apply, failing apply, signature failure', () => {
  let world: World;
  const runs: Array<[string, RunResult]> = [];
  const SECRETS = { 'access key secret': ACCESS_KEY_SECRET, 'GitHub token': GITHUB_TOKEN, 'wrong secret': WRONG_SECRET };

  beforeAll(async () => {
    world = await startWorld();
    await world.write({
      'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }),
      'connectors/http.yaml': connectorYaml({ connector_name: 'http-lookup', connector_type: 'http-lookup', jar_url: JARS.http }),
    });
    const merged = (sha: string): void =>
      world.github.setPullsForCommit(OWNER, REPO, sha, [{ number: PR, state: 'closed', merged_at: '2025-01-02T03:04:05Z', head: { sha: 'a'.repeat(40) } }]);
    const opts = { pr: PR, payload: prPayload(PR), killAfterMs: KILL_AFTER_MS };

    runs.push(['plan', await world.plan({ ...opts, inputs: { ...FAST } })]);
    merged('1'.repeat(40));
    runs.push(['apply', await world.apply({ sha: '1'.repeat(40), inputs: { ...FAST }, killAfterMs: KILL_AFTER_MS })]);

    // A failing apply whose server errors echo the request's secrets back.
    await world.write({ 'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV2 }) });
    runs.push(['plan of the change', await world.plan({ ...opts, inputs: { ...FAST } })]);
    world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'business', errorCode: 'Echo', errorMessage: `bad request: AccessKeySecret=${ACCESS_KEY_SECRET} token ${GITHUB_TOKEN}` });
    world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'http', status: 400, code: 'Echo', message: `rollback refused for ${ACCESS_KEY_SECRET}` });
    merged('2'.repeat(40));
    runs.push(['failing apply', await world.apply({ sha: '2'.repeat(40), inputs: { ...FAST }, killAfterMs: KILL_AFTER_MS })]);

    runs.push(['signature failure', await world.plan({ ...opts, inputs: { ...FAST, 'access-key-secret': WRONG_SECRET } })]);
    runs.push(['plan with debug logging', await world.plan({ ...opts, inputs: { ...FAST }, env: { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' } })]);
  });

  afterAll(async () => {
    await world.close();
  });

  it('the runs did what they should (so the scan saw real output)', () => {
    const byName = Object.fromEntries(runs);
    expect(byName.plan?.exitCode).toBe(0);
    expect(byName.apply?.outputs.result).toBe('applied');
    expect(byName['failing apply']?.exitCode).toBe(1);
    expect(byName['failing apply']?.stdout).toContain('RegisterCustomConnector was refused: Echo: bad request: AccessKeySecret=[redacted]');
    expect(byName['signature failure']?.stdout).toMatch(/SignatureDoesNotMatch/);
    expect(byName['plan with debug logging']?.stdout).toMatch(/^::debug::/m);
    expect(world.github.comments(OWNER, REPO, PR)).toHaveLength(1);
    expect(world.github.deployments(OWNER, REPO).length).toBeGreaterThanOrEqual(2);
  });

  it('every secret is masked before anything else and appears only in ::add-mask::', () => {
    for (const [name, run] of runs) {
      expect(run.stdout, name).toContain(`::add-mask::${name === 'signature failure' ? WRONG_SECRET : ACCESS_KEY_SECRET}`);
      expect(run.stdout, name).toContain(`::add-mask::${GITHUB_TOKEN}`);
      // The masks come first: nothing is logged before them.
      const lines = run.stdout.split('\n');
      expect(lines.findIndex((l) => !l.startsWith('::add-mask::')), name).toBeGreaterThan(lines.findLastIndex((l) => l === `::add-mask::${GITHUB_TOKEN}`));
      expect(leaks(everythingWritten(run), SECRETS), name).toEqual([]);
    }
  });

  it('no comment body, deployment payload or status carries a secret', () => {
    const onGitHub = everythingOnGitHub(world.github, [PR]);
    expect(onGitHub).toContain('kafka-orders');
    expect(leaks(onGitHub, SECRETS)).toEqual([]);
  });
});

describe('keyless: the STS key pair, the security token and the ID token', () => {
  let world: KeylessWorld;
  const runs: Array<[string, RunResult]> = [];

  beforeAll(async () => {
    world = await startKeylessWorld();
    await world.write({ 'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }) });
    runs.push(['plan', await world.plan({ pr: PR })]);
    world.github.setPullsForCommit(OWNER, REPO, '3'.repeat(40), [{ number: PR, state: 'closed', merged_at: '2025-01-02T03:04:05Z', head: { sha: 'a'.repeat(40) } }]);
    runs.push(['apply', await world.apply({ sha: '3'.repeat(40) })]);
    world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'business', errorCode: 'Echo', errorMessage: `x-acs-security-token: ${STS_KEY.securityToken} secret ${STS_KEY.accessKeySecret}` });
    runs.push(['failing plan', await world.plan({ pr: PR })]);
  });

  afterAll(async () => {
    await world.close();
  });

  const secrets = (): Record<string, string> => world.secrets();

  it('signs in each run', () => {
    expect(runs.map(([name, r]) => [name, r.exitCode])).toEqual([['plan', 0], ['apply', 0], ['failing plan', 1]]);
    expect(world.idTokens).toHaveLength(3);
  });

  it('nothing written and nothing on GitHub carries any of them', () => {
    for (const [name, run] of runs) expect(leaks(everythingWritten(run), secrets()), name).toEqual([]);
    const onGitHub = everythingOnGitHub(world.github, [PR]);
    expect(onGitHub).toContain('kafka-orders');
    expect(leaks(onGitHub, secrets())).toEqual([]);
  });
});
