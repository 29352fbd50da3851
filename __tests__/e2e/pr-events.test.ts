/**
 * Which events plan, which apply, and which comment: `workflow_dispatch` runs the `command` it is
 * given, an unrelated event plans without commenting, and `command: apply` never applies on a
 * pull-request event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentCalls, requestsSince } from '../support/pr-helpers.js';
import { JARS, NS, OWNER, REPO, WS, type World, connectorYaml, startWorld } from '../support/world.js';

const REPOSITORY = { full_name: `${OWNER}/${REPO}`, default_branch: 'main', name: REPO, owner: { login: OWNER } };

describe('events and commands', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    await world.write({
      'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }),
    });
  });

  afterAll(async () => {
    await world.close();
  });

  /** Runs with `event`, checking that it planned 1 registration, changed nothing and wrote no comment. */
  async function expectPlanWithoutComment(eventName: string, payload: Record<string, unknown>, inputs: Record<string, string> = {}, ref = 'refs/heads/main') {
    world.emulator.resetStats();
    const since = world.github.requests().length;
    const run = await world.plan({ eventName, payload, ref, inputs });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`flink-connector-action: plan (event ${eventName}`);
    expect(run.outputs.result).toBe('planned');
    expect(run.outputs['to-register']).toBe('1');
    expect(run.summary).toContain('Plan: 1 to register, 0 to replace, 0 to delete.');
    expect(commentCalls(requestsSince(world.github, since)).all).toEqual([]);
    expect(run.outputs['comment-url'] ?? '').toBe('');
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
    expect(world.emulator.connectors(WS, NS)).toEqual([]);
    return run;
  }

  it('workflow_dispatch with command: plan plans, without a comment', async () => {
    await expectPlanWithoutComment('workflow_dispatch', { inputs: { command: 'plan' }, ref: 'refs/heads/main', repository: REPOSITORY }, { command: 'plan' });
  });

  it('an unrelated event (repository_dispatch) plans without a comment', async () => {
    await expectPlanWithoutComment('repository_dispatch', { action: 'nightly', repository: REPOSITORY });
  });

  it('a schedule event with command: plan plans without a comment (auto would check for drift)', async () => {
    await expectPlanWithoutComment('schedule', { schedule: '0 3 * * *', repository: REPOSITORY }, { command: 'plan' });
  });

  it('a push to another branch plans without a comment', async () => {
    await expectPlanWithoutComment('push', { ref: 'refs/heads/feature', before: 'c'.repeat(40), after: 'f'.repeat(40), repository: REPOSITORY }, {}, 'refs/heads/feature');
  });

  it('command: apply on a pull_request event does not apply: it warns and plans', async () => {
    world.emulator.resetStats();
    const pr = 900;
    const run = await world.plan({ pr, inputs: { command: 'apply' } });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('planned');
    const warnings = run.annotations.filter((a) => a.level === 'warning' && a.message.includes('command: apply is ignored on pull_request events'));
    expect(warnings).toHaveLength(1);
    expect(world.emulator.connectors(WS, NS)).toEqual([]);
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
    expect(world.github.deployments(OWNER, REPO)).toEqual([]);
    // It is a plan on a PR, so the plan comment is written.
    expect(world.github.comments(OWNER, REPO, pr)).toHaveLength(1);
    expect(world.github.comments(OWNER, REPO, pr)[0]?.body).not.toContain('Flink connectors applied');
  });

  it('command: apply on a pull_request_target event does not apply either', async () => {
    world.emulator.resetStats();
    const run = await world.plan({ pr: 901, eventName: 'pull_request_target', inputs: { command: 'apply' } });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.annotations.some((a) => a.level === 'warning' && a.message.includes('ignored on pull_request_target events'))).toBe(true);
    expect(world.emulator.stats().calls.RegisterCustomConnector ?? 0).toBe(0);
    expect(world.emulator.connectors(WS, NS)).toEqual([]);
  });
});
