/**
 * Apply == reviewed without false alarms or open doors. An apply may carry out the changes shown on
 * the pull requests merged since the last recorded apply (the reviewed set): a re-run finishes
 * what a partly failed apply left, and an apply that carries two merged PRs is applied. Anything
 * outside the set is refused, whatever the event and whether comments are on, and a merged PR the
 * lookup cannot list yet is found from the commit message (that wait is real time: `__tests__/long/review-set-wait.test.ts`).
 */
import { describe, expect, it } from 'vitest';
import { KILL_AFTER_MS } from '../support/fault-kit.js';
import { errorsOf, explain, recordedConnectors } from '../support/record.js';
import { merge, planOn, pullLookups } from '../support/review.js';
import { connectorYaml, JARS, NS, OWNER, pushPayload, REPO, type World, worldPerTest, WS } from '../support/world.js';

const KAFKA = connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 });
const MYSQL = connectorYaml({ connector_name: 'mysql-cdc', connector_type: 'mysql-cdc', jar_url: JARS.mysql });
const HTTP = connectorYaml({ connector_name: 'http-lookup', connector_type: 'http-lookup', jar_url: JARS.http, lookup: true });

const live = (world: World): string[] => world.emulator.connectors(WS, NS).map((c) => c.name).sort();

let world: World;
worldPerTest({ checkReview: true }, (started) => (world = started));

describe('the reviewed set', () => {
  it('a re-run after a partly failed apply applies the rest', async () => {
    await world.write({ 'connectors/kafka.yaml': KAFKA, 'connectors/mysql.yaml': MYSQL });
    await planOn(world, 11);
    const sha = 'a1'.repeat(20);
    merge(world, 11, sha);
    world.emulator.injectFault({ action: 'RegisterCustomConnector', kind: 'business', errorCode: 'InternalError', errorMessage: 'boom', times: 1 });
    const first = await world.apply({ sha });
    expect(first.exitCode, explain(first)).toBe(1);
    expect(live(world)).toHaveLength(1);

    // "Re-run failed jobs": the same commit, the plan now holds only the register that failed.
    const rerun = await world.apply({ sha });
    expect(rerun.exitCode, explain(rerun)).toBe(0);
    expect(rerun.outputs.result).toBe('applied');
    expect(rerun.stdout).toContain('review check: 1 of 1 planned change(s) are in the reviewed set');
    expect(live(world)).toEqual(['kafka-orders', 'mysql-cdc']);
  });

  it('two PRs merged in quick succession, one surviving apply: both are applied', async () => {
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    await planOn(world, 21);
    merge(world, 21, 'b1'.repeat(20));
    const first = await world.apply({ sha: 'b1'.repeat(20) });
    expect(first.exitCode, explain(first)).toBe(0);

    // PR 22 adds http-lookup; PR 23, branched before 22 merged, adds mysql-cdc.
    await world.write({ 'connectors/http.yaml': HTTP });
    await planOn(world, 22);
    await world.remove('connectors/http.yaml');
    await world.write({ 'connectors/mysql.yaml': MYSQL });
    await planOn(world, 23);
    await world.write({ 'connectors/http.yaml': HTTP });
    merge(world, 22, 'b2'.repeat(20));
    merge(world, 23, 'b3'.repeat(20));

    // The concurrency group cancelled the pending apply of 22: the apply of 23 carries both.
    const both = await world.apply({ sha: 'b3'.repeat(20) });
    expect(both.exitCode, explain(both)).toBe(0);
    expect(both.stdout).toContain('merged pull request #22');
    expect(live(world)).toEqual(['http-lookup', 'kafka-orders', 'mysql-cdc']);
    expect(Object.keys(recordedConnectors(world)).sort()).toEqual(['http-lookup', 'kafka-orders', 'mysql-cdc']);
  });

  it('a change outside the set is refused and listed, the reviewed ones are not listed', async () => {
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    await planOn(world, 41);
    await world.write({ 'connectors/mysql.yaml': MYSQL });
    merge(world, 41, 'c1'.repeat(20));
    const run = await world.apply({ sha: 'c1'.repeat(20) });
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run).join('\n')).toContain('Not reviewed: register mysql-cdc in ws-e2e/default.');
    expect(errorsOf(run).join('\n')).not.toContain('register kafka-orders');
    // The refusal itself says what the plan was compared with, not only the log.
    expect(errorsOf(run).join('\n')).toContain('compared with the plans shown on #41');
    expect(live(world)).toEqual([]);
  });
});

describe('fail closed', () => {
  it('a lookup that lags only briefly is retried', async () => {
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    await planOn(world, 32);
    const sha = 'd2'.repeat(20);
    // A rebase merge: the message names no PR.
    merge(world, 32, sha, 'Add kafka-orders');
    world.github.lagPullsForCommit(OWNER, REPO, sha, 1);
    const run = await world.apply({ sha, killAfterMs: KILL_AFTER_MS });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(run.stdout).toContain('(try 2)');
    expect(pullLookups(world, sha)).toBe(2);
  });

  it('comment: false does not skip the check', async () => {
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    await planOn(world, 33, { comment: 'false' });
    merge(world, 33, 'd4'.repeat(20));
    const run = await world.apply({ sha: 'd4'.repeat(20), inputs: { comment: 'false' } });
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run).join('\n')).toContain('Pull request #33 has no plan comment');
    expect(errorsOf(run).join('\n')).toContain('(#33 found for d4d4d4d by GET commits/d4d4d4d/pulls)');
    expect(live(world)).toEqual([]);
  });

  it('workflow_dispatch with command: apply is checked too', async () => {
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    merge(world, 34, 'd5'.repeat(20));
    const run = await world.apply({ sha: 'd5'.repeat(20), eventName: 'workflow_dispatch', payload: { ...pushPayload('d5'.repeat(20)), inputs: {} }, inputs: { command: 'apply' } });
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run).join('\n')).toContain('Pull request #34 has no plan comment');
    expect(live(world)).toEqual([]);
  });

  it('schedule with command: apply is checked too', async () => {
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    merge(world, 35, 'd6'.repeat(20));
    const run = await world.apply({ sha: 'd6'.repeat(20), eventName: 'schedule', payload: { schedule: '0 3 * * *' }, inputs: { command: 'apply' } });
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run).join('\n')).toContain('Pull request #35 has no plan comment');
    expect(live(world)).toEqual([]);
  });

  it('comment: false on an apply still applies what was reviewed, and refuses what was not', async () => {
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    await planOn(world, 36);
    await world.write({ 'connectors/mysql.yaml': MYSQL });
    merge(world, 36, 'd7'.repeat(20));
    const run = await world.apply({ sha: 'd7'.repeat(20), inputs: { comment: 'false' } });
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run).join('\n')).toContain('Not reviewed: register mysql-cdc in ws-e2e/default.');
    expect(live(world)).toEqual([]);
    await world.remove('connectors/mysql.yaml');
    const reviewed = await world.apply({ sha: 'd7'.repeat(20), inputs: { comment: 'false' } });
    expect(reviewed.exitCode, explain(reviewed)).toBe(0);
    expect(live(world)).toEqual(['kafka-orders']);
  });
});

describe('comments written by the previous release', () => {
  /** The plan comment on `pr` as the previous release wrote it: its marker, the fingerprint only. */
  async function legacyComment(pr: number): Promise<void> {
    await planOn(world, 90, { 'comment-key': 'legacy' });
    const body = world.github.comments(OWNER, REPO, 90)[0]?.body ?? '';
    const old = body
      .split('\n')
      .filter((line) => !line.startsWith('<!-- flink-connector-action:changes'))
      .map((line, i) => (i === 0 ? '<!-- flink-connector-action:legacy -->' : line))
      .join('\n');
    world.github.addComment(OWNER, REPO, pr, old, { login: 'github-actions[bot]', type: 'Bot' });
  }

  it('are checked by their fingerprint, as before', async () => {
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    await legacyComment(91);
    merge(world, 91, 'f1'.repeat(20));
    const run = await world.apply({ sha: 'f1'.repeat(20), inputs: { 'comment-key': 'legacy' } });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(run.stdout).toContain('carries a plan fingerprint only; the plan matches it');
    expect(live(world)).toEqual(['kafka-orders']);
    // The result is written into that same comment.
    expect(world.github.comments(OWNER, REPO, 91)).toHaveLength(1);
  });

  it('refuse a plan that differs from their fingerprint', async () => {
    await world.write({ 'connectors/kafka.yaml': KAFKA });
    await legacyComment(92);
    await world.write({ 'connectors/mysql.yaml': MYSQL });
    merge(world, 92, 'f2'.repeat(20));
    const run = await world.apply({ sha: 'f2'.repeat(20), inputs: { 'comment-key': 'legacy' } });
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run).join('\n')).toContain('The plan differs from the one reviewed on pull request #92');
    expect(live(world)).toEqual([]);
  });
});
