/**
 * What runs on merge is what was reviewed: the plan comment on the pull request carries a hidden
 * fingerprint of the planned changes; the apply after the merge refuses a plan that differs
 * (unless `allow-unreviewed-changes: true`), and does not raise a false alarm over volatile
 * differences (creator/modifier fields, the order of files).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveConnector } from '../../src/model.js';
import { readFingerprint } from '../../src/report/markdown.js';
import { aLiveConnector } from '../support/connectors.js';
import { FAST, KILL_AFTER_MS, calls, consoleApi, liveState } from '../support/fault-kit.js';
import { JARS, NS, OWNER, REPO, WS, type World, connectorYaml, prPayload, startWorld } from '../support/world.js';

const PR = 7;
const PR_HEAD = 'a'.repeat(40);
const MERGE_SHA = '5'.repeat(40);

const KAFKA_LIVE: LiveConnector = aLiveConnector({
  name: 'kafka-orders',
  source: true,
  sink: true,
  supportedFormats: ['json', 'avro'],
  creator: '1838996000001',
  creatorName: 'alice',
  modifier: '1838996000001',
  modifierName: 'alice',
});
const KAFKA = connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, source: true, sink: true });
const HTTP = connectorYaml({ connector_name: 'http-lookup', connector_type: 'http-lookup', jar_url: JARS.http, lookup: true });
const MYSQL = connectorYaml({ connector_name: 'mysql-cdc', connector_type: 'mysql-cdc', jar_url: JARS.mysql });

let world: World;

beforeEach(async () => {
  world = await startWorld({ checkReview: true });
  world.emulator.seed(WS, NS, [KAFKA_LIVE]);
  await world.write({ 'connectors/kafka.yaml': KAFKA, 'connectors/http.yaml': HTTP, 'connectors/mysql.yaml': MYSQL });
});

afterEach(async () => {
  await world.close();
});

async function reviewOnPullRequest(): Promise<void> {
  const plan = await world.plan({ pr: PR, payload: prPayload(PR, PR_HEAD), inputs: { ...FAST }, killAfterMs: KILL_AFTER_MS });
  expect(plan.exitCode, plan.stdout).toBe(0);
  expect(plan.stdout).toContain('Plan: 2 to register, 0 to replace, 0 to delete.');
  const comments = world.github.comments(OWNER, REPO, PR);
  expect(comments).toHaveLength(1);
  // The fingerprint is in the comment, hidden from the reader.
  expect(comments[0]?.body).toMatch(/<!--[^>]*[0-9a-f]{64}[^>]*-->/);
  world.github.setPullsForCommit(OWNER, REPO, MERGE_SHA, [{ number: PR, state: 'closed', merged_at: '2025-01-02T03:04:05Z', head: { sha: PR_HEAD } }]);
}

const merge = (inputs: Record<string, string> = {}) => world.apply({ sha: MERGE_SHA, inputs: { ...FAST, ...inputs }, killAfterMs: KILL_AFTER_MS });

describe('a change in the console after the review', () => {
  beforeEach(async () => {
    await reviewOnPullRequest();
    // After the review, someone deletes kafka-orders in the console: the apply would now register it too.
    await consoleApi(world.emulator).delete({ workspaceId: WS, namespace: NS }, 'kafka-orders');
    world.emulator.resetStats();
  });

  it('refuses the apply, lists what is planned now, changes nothing', async () => {
    const run = await merge();
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('failed');
    const failure = run.annotations.filter((a) => a.level === 'error').map((a) => a.message).join('\n');
    // Only the change outside the reviewed set is listed: the two reviewed registers are not.
    expect(failure).toContain('1 planned change(s) are not in the reviewed set');
    expect(failure).toContain('Not reviewed: register kafka-orders in ws-e2e/default.');
    expect(failure).not.toContain('register http-lookup');
    expect(run.stdout).toContain(`review check: merged pull request #${PR} found`);
    expect(failure).toContain('Nothing was applied.');
    expect(run.summary).toContain('Flink connectors: apply refused');
    expect(run.summary).toContain('allow-unreviewed-changes: true');
    expect(calls(world.emulator)).toMatchObject({ register: 0, delete: 0 });
    expect(liveState(world.emulator)).toEqual([]);
    expect(world.github.deployments(OWNER, REPO)).toEqual([]);
  });

  it('applies with allow-unreviewed-changes: true, with a warning', async () => {
    const run = await merge({ 'allow-unreviewed-changes': 'true' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('applied');
    expect(run.annotations).toContainEqual(expect.objectContaining({ level: 'warning', message: expect.stringContaining('Applying anyway (allow-unreviewed-changes: true).') }));
    expect(calls(world.emulator).register).toBe(3);
    expect(liveState(world.emulator)).toEqual(['http-lookup:http-lookup', 'kafka-orders:kafka-orders', 'mysql-cdc:mysql-cdc']);
  });
});

describe('no false alarm', () => {
  it('applies when only volatile details changed since the review', async () => {
    await reviewOnPullRequest();
    const reviewed = readFingerprint(world.github.comments(OWNER, REPO, PR)[0]?.body ?? '');
    // Someone touched kafka-orders in the console (creator/modifier change), and the files were
    // reorganised: same connectors, other file names and order.
    world.emulator.seed(WS, NS, [{ ...KAFKA_LIVE, creator: '2999999000002', creatorName: 'bob', modifier: '2999999000003', modifierName: 'carol' }]);
    for (const f of ['connectors/kafka.yaml', 'connectors/http.yaml', 'connectors/mysql.yaml']) await world.remove(f);
    await world.write({ 'connectors/a-all.yaml': [MYSQL, HTTP, KAFKA].join('---\n') });
    world.emulator.resetStats();

    const run = await merge();
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('applied');
    // None of the review check's complaints, not even as a warning.
    for (const complaint of ['differs from the one reviewed', 'has no plan comment from this action', 'could not be read from the pull request', 'Applying anyway']) {
      expect(run.stdout).not.toContain(complaint);
    }
    // It did compare: on a push, only the review check finds the merged pull request, and the
    // apply reported its result there; the plan it applied has the reviewed fingerprint.
    const [comment] = world.github.comments(OWNER, REPO, PR);
    expect(comment?.body).toMatch(/\*\*Applied \d+ of \d+ at /);
    expect(reviewed).toMatch(/^[0-9a-f]{64}$/);
    expect(readFingerprint(comment?.body ?? '')).toBe(reviewed);
    expect(calls(world.emulator)).toMatchObject({ register: 2, delete: 0 });
    expect(liveState(world.emulator)).toEqual(['http-lookup:http-lookup', 'kafka-orders:kafka-orders', 'mysql-cdc:mysql-cdc']);
    // The result replaces the plan in the same PR comment.
    expect(world.github.comments(OWNER, REPO, PR)).toHaveLength(1);
  });
});
