/**
 * Apply == reviewed fails closed: with neither a merged PR nor a commit message naming one, the
 * apply is refused after the bounded wait for GitHub to list the PR (about 30 s of real time, so
 * in a file of its own that another worker overlaps).
 */
import { describe, expect, it } from 'vitest';
import { KILL_AFTER_MS } from '../support/fault-kit.js';
import { errorsOf } from '../support/record.js';
import { pullLookups } from '../support/review.js';
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
});
