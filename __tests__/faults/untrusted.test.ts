/**
 * Untrusted events: a pull request from a fork (or from a fork since deleted) gets no secrets, so it
 * is validated only (and still fails on a bad definition), as is one from Dependabot without
 * credentials; any other run without credentials fails, saying what to set; `command: apply` on
 * pull_request / pull_request_target plans instead and changes nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAST, KILL_AFTER_MS, calls, liveState } from '../support/fault-kit.js';
import { JARS, NS, WS, type World, connectorYaml, prPayload, startWorld } from '../support/world.js';

const NO_KEYS = { 'access-key-id': '', 'access-key-secret': '' };
const KAFKA = connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 });

let world: World;

beforeAll(async () => {
  world = await startWorld();
  // Live: one connector the definitions delete, so an apply would visibly change something.
  world.emulator.seed(WS, NS, [{ name: 'old-sink', type: 'old-sink', source: false, sink: true, lookup: false, properties: [], supportedFormats: [], dependencies: [] }]);
});

afterAll(async () => {
  await world.close();
});

beforeEach(async () => {
  world.emulator.resetStats();
  await world.write({ 'connectors/kafka.yaml': KAFKA, 'connectors/old.yaml': connectorYaml({ connector_name: 'old-sink', state: 'absent' }) });
});

describe('a pull request from a fork, without credentials', () => {
  const forkPlan = () => world.plan({ payload: prPayload(21, 'f'.repeat(40), true), pr: 21, inputs: { ...FAST, ...NO_KEYS }, killAfterMs: KILL_AFTER_MS });

  it('validates only, says so in the summary, exits 0 and calls no API', async () => {
    const run = await forkPlan();
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('no-op');
    expect(run.summary).toContain('Flink connectors: validation only');
    expect(run.summary).toContain('2 connector definition(s) are valid. No plan was made because this pull request comes from a fork, which gets no secrets.');
    expect(calls(world.emulator).total).toBe(0);
    expect(world.github.requests().filter((r) => r.method !== 'GET')).toEqual([]);
    expect(liveState(world.emulator)).toEqual(['old-sink:old-sink']);
  });

  it('still fails, with annotations, on a bad definition', async () => {
    await world.write({ 'connectors/kafka.yaml': `${KAFKA}jar_urll: oss://x/y.jar\n` });
    const run = await forkPlan();
    expect(run.exitCode).toBe(1);
    expect(run.annotations).toContainEqual(expect.objectContaining({ level: 'error', file: 'connectors/kafka.yaml', line: 4, message: expect.stringContaining('unknown key `jar_urll`; did you mean `jar_url`?') }));
    expect(calls(world.emulator).total).toBe(0);
  });

  it('a pull request whose fork was deleted (head.repo null) is a fork too: validation only, no call', async () => {
    const payload = prPayload(22, 'f'.repeat(40));
    (payload.pull_request as { head: { repo: unknown } }).head.repo = null;
    const run = await world.plan({ payload, pr: 22, inputs: { ...FAST }, killAfterMs: KILL_AFTER_MS });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('no-op');
    expect(run.summary).toContain('No plan was made because this pull request comes from a fork');
    expect(calls(world.emulator).total).toBe(0);
  });
});

describe('a pull request without credentials that should have them', () => {
  it('from the same repository: fails naming the missing inputs, before any call', async () => {
    const run = await world.plan({ inputs: { ...FAST, ...NO_KEYS }, killAfterMs: KILL_AFTER_MS });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.stdout).toMatch(/^::error::No Alibaba Cloud credentials were found, so nothing was sent to the API\. To give the run credentials, set the inputs `access-key-id` and `access-key-secret`/m);
    expect(run.stdout).toContain('The credential library said: "');
    expect(run.stdout).not.toMatch(/undefinedGET|ENOTFOUND undefined[^:]/);
    expect(calls(world.emulator).total).toBe(0);
  });

  it('from Dependabot: validation only, as its runs get no repository secrets', async () => {
    const payload = prPayload(23);
    (payload.pull_request as Record<string, unknown>).user = { login: 'dependabot[bot]' };
    const run = await world.plan({ payload, pr: 23, inputs: { ...FAST, ...NO_KEYS }, killAfterMs: KILL_AFTER_MS });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('no-op');
    expect(run.summary).toContain('No plan was made because this pull request comes from Dependabot');
    expect(calls(world.emulator).total).toBe(0);
  });

  it('an apply on push: fails naming the missing inputs, before any call', async () => {
    const run = await world.apply({ inputs: { ...FAST, ...NO_KEYS }, killAfterMs: KILL_AFTER_MS });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('No Alibaba Cloud credentials were found, so nothing was sent to the API.');
    expect(calls(world.emulator).total).toBe(0);
    expect(liveState(world.emulator)).toEqual(['old-sink:old-sink']);
  });
});

describe('command: apply on pull-request events', () => {
  it.each(['pull_request', 'pull_request_target'])('%s: plans instead, nothing is changed', async (eventName) => {
    const run = await world.plan({ eventName, inputs: { ...FAST, command: 'apply' }, killAfterMs: KILL_AFTER_MS });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.annotations).toContainEqual(expect.objectContaining({ level: 'warning', message: `command: apply is ignored on ${eventName} events; planning instead.` }));
    expect(run.outputs.result).toBe('planned');
    expect(run.stdout).toContain('Plan: 1 to register, 0 to replace, 1 to delete.');
    // Reads only: the list, and who uses the connector the plan would delete (ListDeployments, GetCatalogs).
    expect(calls(world.emulator)).toEqual({ list: 1, register: 0, delete: 0, total: 3 });
    expect(liveState(world.emulator)).toEqual(['old-sink:old-sink']);
  });
});
