/**
 * The pure parts of apply == reviewed and of the record, and the bounded wait for the merged PR
 * with an injected clock (no real waiting; the sleeps are counted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/apply/ports.js';
import { startGitHubFake, type GitHubFakeHandle } from '../../src/emulator/github-fake.js';
import { createOctokit } from '../../src/github/client.js';
import { pullNumberInMessage } from '../../src/github/history.js';
import { LOOKUP_BACKOFF_MS, checkReviewed } from '../../src/modes/review.js';
import type { Reporter } from '../../src/pipeline/reporter.js';
import type { RunContext } from '../../src/pipeline/run-context.js';
import { ENVIRONMENT_MAX_CHARS, environmentOf, intendedRecord, nextRecord, parseRecord, recordPayload, reviewBase, settleMarks } from '../../src/record/record.js';
import { MAX_CHANGE_IDS, acceptedIds, idOf, planChangeIds } from '../../src/report/fingerprint.js';
import { changesComment, readChangeIds, readFingerprint } from '../../src/report/markdown.js';
import type { Settings } from '../../src/settings.js';
import { WS1_ANALYTICS, item, makePlan } from '../report/fixtures.js';

describe('the PR a merge commit names', () => {
  it('reads squash and merge-commit titles, and nothing else', () => {
    expect(pullNumberInMessage('Add kafka-orders (#123)')).toBe(123);
    expect(pullNumberInMessage('Add kafka-orders (#123)\n\n* fix (#99)')).toBe(123);
    expect(pullNumberInMessage('Merge pull request #45 from acme/topic\n\nAdd it')).toBe(45);
    expect(pullNumberInMessage('Fix #12 in the parser')).toBeUndefined();
    expect(pullNumberInMessage('Add kafka-orders')).toBeUndefined();
    expect(pullNumberInMessage('first line\nsecond (#7)')).toBeUndefined();
  });
});

describe('change ids', () => {
  it('identify target, connector, action and JAR, never volatile fields', () => {
    const a = item('register', 'kafka');
    expect(idOf(item('register', 'kafka', { reason: 'other words', description: 'x' }))).toBe(idOf(a));
    for (const other of [item('replace', 'kafka'), item('register', 'kafka', { jarUrl: 'oss://b/other.jar' }), item('register', 'kafka', { target: WS1_ANALYTICS }), item('register', 'kafka2')]) {
      expect(idOf(other)).not.toBe(idOf(a));
    }
  });

  it('count an adopt as reviewed when the register of the same JAR was', () => {
    const reviewedJar = item('register', 'kafka').jarUrl;
    expect(acceptedIds(item('adopt', 'kafka', { jarUrl: reviewedJar }))).toContain(idOf(item('register', 'kafka')));
    expect(acceptedIds(item('adopt', 'kafka', { jarUrl: 'oss://b/other.jar' }))).not.toContain(idOf(item('register', 'kafka')));
    expect(acceptedIds(item('register', 'kafka'))).toContain(idOf(item('register', 'kafka')));
  });

  it('count a register as reviewed when the replace of the same JAR was (finishing it), never a delete', () => {
    expect(acceptedIds(item('register', 'kafka'))).toContain(idOf(item('replace', 'kafka')));
    expect(acceptedIds(item('register', 'kafka', { jarUrl: 'oss://b/other.jar' }))).not.toContain(idOf(item('replace', 'kafka')));
    expect(acceptedIds(item('delete', 'kafka'))).toEqual([idOf(item('delete', 'kafka'))]);
    expect(acceptedIds(item('replace', 'kafka'))).toEqual([idOf(item('replace', 'kafka'))]);
  });

  it('travel in the comment and back, bounded in number', () => {
    const ids = planChangeIds(makePlan([item('register', 'a'), item('delete', 'b'), item('unchanged', 'c')])) ?? [];
    expect(ids).toHaveLength(2);
    expect(readChangeIds(`<!-- m -->\n${changesComment(ids)}\nbody`)).toEqual(ids);
    expect(readChangeIds(changesComment([]))).toEqual([]);
    expect(readChangeIds('<!-- flink-connector-action:fingerprint:abc -->')).toBeUndefined();
    // Only the hidden lines that open the comment count: a copy further down (in a path shown as it
    // is, say) is not what this action wrote.
    expect(readChangeIds(`<!-- m -->\n\nbody \`${changesComment(ids)}\``)).toBeUndefined();
    expect(readChangeIds(`<!-- m -->\n${changesComment(ids)}\n\n${changesComment(['0'.repeat(12)])}`)).toEqual(ids);
    expect(readFingerprint(`<!-- m -->\n\n<!-- flink-connector-action:fingerprint:abc -->`)).toBeUndefined();
    expect(readFingerprint(`<!-- m -->\n<!-- flink-connector-action:fingerprint:abc -->\n\nbody`)).toBe('abc');
    expect(readChangeIds(`<!-- m -->\r\n${changesComment(ids)}\r\n\r\nbody`)).toEqual(ids);
    const many = makePlan(Array.from({ length: MAX_CHANGE_IDS + 1 }, (_, i) => item('register', `c${i}`)));
    expect(planChangeIds(many)).toBeUndefined();
  });
});

describe('record environments and intents', () => {
  it('keep short names as they are and hash long ones within the limit, readable and distinct', () => {
    expect(environmentOf({ workspaceId: 'ws-1', namespace: 'default' })).toBe('flink-connectors/ws-1/default');
    const long = (n: string) => environmentOf({ workspaceId: 'w'.repeat(128), namespace: `${'n'.repeat(120)}${n}` });
    expect(long('1').length).toBeLessThanOrEqual(ENVIRONMENT_MAX_CHARS);
    expect(long('1')).toMatch(/^flink-connectors\/w+\/n+~[0-9a-f]{16}$/);
    expect(long('1')).not.toBe(long('2'));
  });

  it('an unsettled intent is decided by the list: registers and deletes as listed, replaces stay interrupted', () => {
    const plan = makePlan([item('replace', 'kafka', { jarUrl: 'oss://b/v2.jar' }), item('register', 'redis'), item('register', 'http'), item('delete', 'old'), item('delete', 'gone'), item('unchanged', 'mysql')]);
    const [tp] = plan.targets;
    const entry = (jar: string, type: string) => ({ jarUrl: jar, type, commit: 'c1' });
    const previous = { version: 1 as const, scope: 's', workspaceId: tp!.target.workspaceId, namespace: tp!.target.namespace, targets: [], connectors: { kafka: entry('oss://b/v1.jar', 'kafka'), old: entry('oss://b/old.jar', 'old'), gone: entry('oss://b/gone.jar', 'gone'), mysql: entry('oss://b/m.jar', 'mysql') }, sha: 'c1' };
    const intended = intendedRecord('s', tp!, previous, 'c0');
    expect(intended.connectors).toEqual(previous.connectors);
    expect(Object.keys(intended.pending ?? {})).toEqual(['gone', 'http', 'kafka', 'old', 'redis']);
    // Changes reviewed since c1 are not applied yet: they keep counting from there.
    expect(intended.since).toBe('c1');
    const read = parseRecord(recordPayload(intended), tp!.target, 's', 'c2')!;
    expect(reviewBase(read)).toBe('c1');

    const live = ['kafka', 'redis', 'old', 'mysql'].map((name) => ({ name }));
    const { record, notes } = settleMarks(read, live);
    expect(record.connectors.redis).toMatchObject({ commit: 'c2' });
    expect(record.connectors.http).toBeUndefined();
    expect(record.connectors.old).toEqual(previous.connectors.old);
    expect(record.connectors.gone).toBeUndefined();
    // Which JAR kafka is cannot be seen: neither is taken as done.
    expect(record.connectors.kafka).toEqual(previous.connectors.kafka);
    expect(record.interrupted).toEqual({ kafka: { jarUrl: 'oss://b/v2.jar', commit: 'c2' } });
    expect(record.pending).toBeDefined();
    expect(notes).toHaveLength(5);
    expect(settleMarks(previous, live).record).toBe(previous);
    // A mark over no record counts from the push's range.
    expect(intendedRecord('s', tp!, undefined, 'c0').since).toBe('c0');
  });

  it('the record after an apply keeps a replace interrupted until it finishes, or is rolled back', () => {
    const plan = makePlan([item('replace', 'kafka', { jarUrl: 'oss://b/v2.jar' })]);
    const [tp] = plan.targets;
    const before = { jarUrl: 'oss://b/v1.jar', type: 'kafka', commit: 'c1' };
    const previous = { version: 1 as const, scope: 's', workspaceId: tp!.target.workspaceId, namespace: tp!.target.namespace, targets: [], connectors: { kafka: before }, sha: 'c1' };
    const outcome = (extra: object) => [{ target: tp!.target, name: 'kafka', action: 'replace' as const, durationMs: 0, ...extra }] as never;
    const live = [{ name: 'kafka' }] as never;
    const unsure = nextRecord('s', [], tp!, previous, outcome({ status: 'failed' }), live, 'c2', 'c1');
    expect(unsure.connectors.kafka).toEqual(before);
    expect(unsure.interrupted).toEqual({ kafka: { jarUrl: 'oss://b/v2.jar', commit: 'c2' } });
    expect(unsure.since).toBe('c1');
    expect(nextRecord('s', [], tp!, previous, outcome({ status: 'failed', rolledBack: true }), live, 'c2').interrupted).toBeUndefined();
    // Not attempted: still as unsure as before.
    expect(nextRecord('s', [], tp!, unsure, outcome({ status: 'skipped' }), live, 'c3').interrupted).toEqual(unsure.interrupted);
    expect(nextRecord('s', [], tp!, unsure, outcome({ status: 'done' }), live, 'c3').interrupted).toBeUndefined();
  });
});

describe('finding the merged PR', () => {
  let fake: GitHubFakeHandle;
  beforeAll(async () => {
    fake = await startGitHubFake({ token: 't' });
  });
  afterAll(async () => {
    await fake.close();
  });

  function context(sleeps: number[], sha = 'ab'.repeat(20)): RunContext {
    const clock: Clock = { now: () => 0, sleep: async (ms) => void sleeps.push(ms) };
    const settings = { commentKey: 'k', allowUnreviewedChanges: false, event: { name: 'push', owner: 'o', repo: 'r', sha, pushToDefaultBranch: true, fromFork: false } } as unknown as Settings;
    const reporter = {} as Reporter;
    return { settings, out: reporter, report: { sha: '', time: new Date(0) }, deps: { settings, reporter, clock, secrets: [], octokit: createOctokit('t', fake.url), connectorApi: async () => ({}) as never, readDefinitionFiles: (() => undefined) as never, writeFiles: async () => undefined } };
  }

  it('waits about 30 s in all, with backoff, before it refuses; and not at all when refusal would not follow', async () => {
    const plan = makePlan([item('register', 'kafka')]);
    const patient: number[] = [];
    const refused = await checkReviewed(context(patient), plan, 'f', undefined, true);
    expect(refused.problem).toMatch(/^No reviewed plan: GET commits\/ababab/);
    expect(refused.unreviewed).toEqual(['register kafka in ws-1/default']);
    expect(patient).toEqual([...LOOKUP_BACKOFF_MS]);
    expect(patient.reduce((a, b) => a + b, 0)).toBe(30_000);

    const hasty: number[] = [];
    await checkReviewed(context(hasty), plan, 'f', undefined, false);
    expect(hasty).toEqual([]);
  });

  it('does not take a PR number in the commit message that merge_commit_sha does not confirm', async () => {
    // A direct push titled like the squash merge of a reviewed PR, which was merged as another commit.
    const sha = 'ef'.repeat(20);
    fake.pushCommits('o', 'r', [{ sha: 'cd'.repeat(20), message: 'Add kafka (#7)' }, { sha, message: 'Sneak in a change (#7)' }]);
    fake.addMergedPull('o', 'r', { number: 7, merge_commit_sha: 'cd'.repeat(20) });
    const sleeps: number[] = [];
    const refused = await checkReviewed(context(sleeps, sha), makePlan([item('register', 'kafka')]), 'f', undefined, true);
    expect(refused.pull).toBeUndefined();
    expect(refused.problem).toMatch(/^No reviewed plan: .*the commit message names none merged as efefefe/);
    expect(sleeps).toEqual([...LOOKUP_BACKOFF_MS]);
  });
});
