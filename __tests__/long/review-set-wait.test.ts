/**
 * Apply == reviewed fails closed: with neither a merged PR nor a commit message naming one, the
 * apply is refused after the bounded wait for GitHub to list the PR, and a PR the lookup never
 * lists is found from the commit message after the same wait (about 30 s of real time each). A
 * register that shows only after the apply gave up (a real-time timeout) is adopted by the re-run.
 */
import { describe, expect, it } from 'vitest';
import { KILL_AFTER_MS, consoleApi } from '../support/fault-kit.js';
import { errorsOf, explain, recordedConnectors } from '../support/record.js';
import { merge, planOn, pullLookups } from '../support/review.js';
import { connectorYaml, JARS, NS, OWNER, REPO, type World, worldPerTest, WS } from '../support/world.js';

const KAFKA = connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 });

const live = (world: World): string[] => world.emulator.connectors(WS, NS).map((c) => c.name).sort();

let world: World;
worldPerTest({ checkReview: true }, (started) => (world = started));

describe('fail closed', () => {
  it('with neither a PR nor a commit message naming one, the apply is refused after a bounded wait', async () => {
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    const sha = 'd3'.repeat(20);
    world.github.pushCommits(OWNER, REPO, [{ sha, message: 'Direct push' }]);
    const run = await world.apply({ sha, killAfterMs: KILL_AFTER_MS });
    expect(run.exitCode).toBe(1);
    expect(pullLookups(world, sha)).toBe(5);
    const failure = errorsOf(run).join('\n');
    expect(failure).toContain('No reviewed plan');
    expect(failure).toContain('re-run the plan on a pull request');
    expect(failure).toContain('allow-unreviewed-changes: true');
    expect(live(world)).toEqual([]);
  }, 60_000);

  it('an empty PR lookup falls back to the commit message, confirmed by merge_commit_sha', async () => {
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    await planOn(world, 31);
    const sha = 'd1'.repeat(20);
    merge(world, 31, sha);
    world.github.lagPullsForCommit(OWNER, REPO, sha, 1000);
    const run = await world.apply({ sha, killAfterMs: KILL_AFTER_MS });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(run.stdout).toContain('merged pull request #31 found for d1d1d1d by the commit message');
    expect(live(world)).toEqual(['kafka-orders']);
  });
});

describe('a reviewed register that turns out live', () => {
  it('is adopted by the re-run', async () => {
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    await planOn(world, 81);
    const sha = 'a8'.repeat(20);
    merge(world, 81, sha);
    // The registration happens, but is not listed before the apply gives up.
    world.emulator.setVisibilityDelay(4_000);
    const first = await world.apply({ sha, inputs: { timeout: '2s' } });
    expect(first.exitCode, explain(first)).toBe(1);
    world.emulator.setVisibilityDelay(0);
    const console = consoleApi(world.emulator);
    while ((await console.list({ workspaceId: WS, namespace: NS })).length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    world.emulator.resetStats();

    const rerun = await world.apply({ sha });
    expect(rerun.exitCode, explain(rerun)).toBe(0);
    expect(rerun.stdout).toContain('review check: 1 of 1 planned change(s) are in the reviewed set');
    expect(world.emulator.stats().calls.RegisterCustomConnector ?? 0).toBe(0);
    expect(Object.keys(recordedConnectors(world))).toEqual(['kafka-orders']);
  });
});
