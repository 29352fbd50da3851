/**
 * The reviewed set over the default branch's history: a re-run of an older apply never undoes a
 * newer one, a first rollout counts every PR its push merged, and a reviewed replace that was cut
 * off between its delete and its register is finished by the re-run.
 */
import { describe, expect, it } from 'vitest';
import { errorsOf, explain, liveNames, recordedConnectors } from '../support/record.js';
import { merge, planOn } from '../support/review.js';
import { connectorYaml, JARS, NS, OWNER, pushPayload, REPO, type World, worldPerTest, WS } from '../support/world.js';

const KAFKA = connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 });
const KAFKA_V2 = connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV2 });
const MYSQL = connectorYaml({ connector_name: 'mysql-cdc', connector_type: 'mysql-cdc', jar_url: JARS.mysql });

const at = (pair: string): string => pair.repeat(20);

let world: World;
worldPerTest({ checkReview: true }, (started) => (world = started));

/** A reviewed PR `pr` with `files` on its branch, merged as `sha`. */
async function reviewedMerge(pr: number, sha: string, files: Record<string, string>, removed: readonly string[] = []): Promise<void> {
  for (const path of removed) await world.remove(path);
  await world.write(files);
  await planOn(world, pr);
  merge(world, pr, sha);
}

describe('a stale apply', () => {
  it('"Re-run failed jobs" on an older apply changes nothing once a newer commit was applied, and says which', async () => {
    await reviewedMerge(10, at('a0'), { 'connectors/kafka.yaml': KAFKA, 'connectors/mysql.yaml': MYSQL });
    expect((await world.apply({ sha: at('a0') })).exitCode).toBe(0);

    // PR 1 removes kafka-orders and changes mysql-cdc's description; its apply fails before either change.
    await reviewedMerge(1, at('a1'), { 'connectors/mysql.yaml': `${MYSQL}description: CDC of the inventory\n` }, ['connectors/kafka.yaml']);
    world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'http', status: 503, code: 'ServiceUnavailable', times: 1000 });
    const failed = await world.apply({ sha: at('a1'), inputs: { 'max-retries': '0' } });
    expect(failed.exitCode, explain(failed)).toBe(1);
    world.emulator.clearFaults();
    expect(liveNames(world)).toEqual(['kafka-orders', 'mysql-cdc']);

    // PR 2 keeps kafka-orders after all (and takes the description); applied.
    await reviewedMerge(2, at('a2'), { 'connectors/kafka.yaml': KAFKA });
    const newer = await world.apply({ sha: at('a2') });
    expect(newer.exitCode, explain(newer)).toBe(0);

    // The re-run checks out PR 1's commit again.
    await world.remove('connectors/kafka.yaml');
    world.emulator.resetStats();
    const rerun = await world.apply({ sha: at('a1') });
    expect(rerun.exitCode, explain(rerun)).toBe(1);
    expect(errorsOf(rerun).join('\n')).toContain(`${at('a2')}, applied to ${WS}/${NS}, is newer than this run's commit ${at('a1')}`);
    expect(world.emulator.stats().calls.DeleteCustomConnector ?? 0).toBe(0);
    expect(liveNames(world)).toEqual(['kafka-orders', 'mysql-cdc']);
  });

  it('refuses when the history diverged from the recorded commit', async () => {
    await reviewedMerge(10, at('b0'), { 'connectors/kafka.yaml': KAFKA });
    expect((await world.apply({ sha: at('b0') })).exitCode).toBe(0);
    await reviewedMerge(11, at('b1'), { 'connectors/mysql.yaml': MYSQL });
    expect((await world.apply({ sha: at('b1') })).exitCode).toBe(0);
    // The default branch is rewritten after b0 (b1 is gone from it), then a reviewed PR drops mysql-cdc.
    await world.remove('connectors/mysql.yaml');
    await planOn(world, 12);
    world.github.forcePush(OWNER, REPO, at('b0'), [{ sha: at('b2'), message: 'Drop mysql-cdc again (#12)' }]);
    world.github.addMergedPull(OWNER, REPO, { number: 12, merge_commit_sha: at('b2') });
    const run = await world.apply({ sha: at('b2') });
    expect(run.exitCode, explain(run)).toBe(1);
    expect(errorsOf(run).join('\n')).toContain(`history diverged: ${at('b1')}, applied to ${WS}/${NS}, is not an ancestor of this run's commit ${at('b2')}`);
    expect(liveNames(world)).toEqual(['kafka-orders', 'mysql-cdc']);
  });
});

describe('a first rollout', () => {
  for (const record of ['true', 'false']) {
    it(`counts every PR merged in the push's range (record: ${record})`, async () => {
      world.github.pushCommits(OWNER, REPO, [{ sha: at('c0'), message: 'Initial commit' }]);
      // Two PRs, each planned on its own branch, merged in quick succession; one push carries both.
      await reviewedMerge(21, at('c1'), { 'connectors/kafka.yaml': KAFKA });
      await reviewedMerge(22, at('c2'), { 'connectors/mysql.yaml': MYSQL }, ['connectors/kafka.yaml']);
      await world.write({ 'connectors/kafka.yaml': KAFKA });
      const run = await world.apply({ sha: at('c2'), payload: pushPayload(at('c2'), at('c0')), inputs: { record } });
      expect(run.exitCode, explain(run)).toBe(0);
      expect(run.stdout).toContain('review check: 2 of 2 planned change(s) are in the reviewed set');
      expect(liveNames(world)).toEqual(['kafka-orders', 'mysql-cdc']);
    });
  }
});

describe('a reviewed replace cut off between its delete and its register', () => {
  /** Applies `sha` and loses the runner while its register waits for an answer (the delete is done by then). */
  async function cutOff(sha: string): Promise<void> {
    world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'slow', delayMs: 60_000, acts: false });
    world.emulator.resetStats();
    const cut = new AbortController();
    const running = world.apply({ sha, signal: cut.signal });
    const since = Date.now();
    while ((world.emulator.stats().calls.RegisterCustomConnector ?? 0) === 0 && Date.now() - since < 30_000) await new Promise((resolve) => setTimeout(resolve, 50));
    cut.abort();
    expect((await running).exitCode).toBe(128);
    world.emulator.clearFaults();
  }

  it('is finished by the re-run: the reviewed JAR is registered, and the log says why', async () => {
    await reviewedMerge(10, at('d0'), { 'connectors/kafka.yaml': KAFKA });
    expect((await world.apply({ sha: at('d0') })).exitCode).toBe(0);
    await reviewedMerge(11, at('d1'), { 'connectors/kafka.yaml': KAFKA_V2 });
    await cutOff(at('d1'));
    expect(liveNames(world)).toEqual([]);

    const rerun = await world.apply({ sha: at('d1') });
    expect(rerun.exitCode, explain(rerun)).toBe(0);
    expect(rerun.stdout).toContain('finishing an interrupted replace');
    expect(world.emulator.connectors(WS, NS).find((c) => c.name === 'kafka-orders')?.supportedFormats).toContain('csv');
    expect(recordedConnectors(world)['kafka-orders']?.jarUrl).toBe(JARS.kafkaV2);
  });

  it('is finished by the apply of the next merge: the interrupted PR still counts as reviewed', async () => {
    await reviewedMerge(10, at('e0'), { 'connectors/kafka.yaml': KAFKA });
    expect((await world.apply({ sha: at('e0') })).exitCode).toBe(0);
    // PR 12 is branched before PR 11 merges: its plan shows mysql-cdc only.
    await world.write({ 'connectors/mysql.yaml': MYSQL });
    await planOn(world, 12);
    await world.remove('connectors/mysql.yaml');
    await reviewedMerge(11, at('e1'), { 'connectors/kafka.yaml': KAFKA_V2 });
    await cutOff(at('e1'));
    await world.write({ 'connectors/mysql.yaml': MYSQL });
    merge(world, 12, at('e2'));

    const next = await world.apply({ sha: at('e2') });
    expect(next.exitCode, explain(next)).toBe(0);
    expect(next.stdout).toContain('finishing an interrupted replace');
    expect(next.stdout).toMatch(/merged pull requests? .*#11/);
    expect(liveNames(world)).toEqual(['kafka-orders', 'mysql-cdc']);
    expect(recordedConnectors(world)['kafka-orders']?.jarUrl).toBe(JARS.kafkaV2);
  });
});
