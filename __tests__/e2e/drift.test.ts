/**
 * Drift detection, end to end: the bundled action on `schedule` events against the workspace
 * emulator and the GitHub fake. One issue per comment-key, opened on drift, edited in place,
 * commented on only when the drifted set changes, closed when the workspace converges, reopened
 * when it drifts again; a check changes nothing; a refused issues API is a warning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../scripts/local-runner.js';
import { aLiveConnector } from '../support/connectors.js';
import { DRIFT_LABEL, check, driftIssues } from '../support/drift.js';
import { requestsSince } from '../support/pr-helpers.js';
import { createOctokit } from '../../src/github/client.js';
import { GITHUB_TOKEN, JARS, NS, OWNER, REPO, WS, type World, connectorYaml, startWorld } from '../support/world.js';

const KEY = 'nightly';
const ISSUES_PATH = `/repos/${OWNER}/${REPO}/issues`;

function ok(run: RunResult): void {
  expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
}

/** Makes a live connector contradict its definition, as a change in the console would. */
function driftType(world: World, name: string): void {
  const live = world.emulator.connectors(WS, NS).find((c) => c.name === name);
  expect(live, name).toBeDefined();
  world.emulator.seed(WS, NS, [{ ...live!, type: `${name}-changed-by-hand` }]);
}

describe('drift check on a schedule', () => {
  let world: World;
  const run = (inputs: Record<string, string> = {}): Promise<RunResult> => check(world, { inputs: { 'comment-key': KEY, ...inputs } });
  const only = (): NonNullable<ReturnType<typeof driftIssues>[number]> => {
    const issues = driftIssues(world, KEY);
    expect(issues).toHaveLength(1);
    return issues[0]!;
  };

  beforeAll(async () => {
    world = await startWorld();
    await world.write({
      'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }),
      'connectors/http.yaml': connectorYaml({ connector_name: 'http-lookup', connector_type: 'http-lookup', jar_url: JARS.http, lookup: true }),
    });
    ok(await world.apply({ inputs: { 'comment-key': KEY } }));
  });

  afterAll(async () => {
    await world.close();
  });

  it('finds no drift in a workspace that matches; an unmanaged connector is not drift unless prune: true', async () => {
    world.emulator.seed(WS, NS, [aLiveConnector({ name: 'stray-sink' })]);
    const quiet = await run();
    ok(quiet);
    expect(quiet.stdout).toContain('flink-connector-action: check (event schedule, command auto)');
    expect(quiet.outputs.drift).toBe('false');
    expect(quiet.outputs.result).toBe('no-op');
    expect(quiet.summary).toContain('stray-sink');
    expect(world.github.issues(OWNER, REPO)).toEqual([]);

    const pruning = await run({ prune: 'true', 'drift-issue': 'false' });
    ok(pruning);
    expect(pruning.outputs.drift).toBe('true');
    expect(JSON.parse(pruning.outputs['plan-json'] ?? '{}').summary.delete).toBe(1);
    expect(world.github.issues(OWNER, REPO)).toEqual([]);
    expect(world.emulator.connectors(WS, NS).map((c) => c.name)).toContain('stray-sink');
  });

  it('a check never calls Register or Delete and writes no deployment, even with prune: true', async () => {
    driftType(world, 'kafka-orders');
    const deployments = world.github.deployments(OWNER, REPO).length;
    world.emulator.resetStats();
    const pruning = await run({ prune: 'true', 'drift-issue': 'false' });
    ok(pruning);
    expect(pruning.outputs['to-replace']).toBe('1');
    expect(pruning.outputs['to-delete']).toBe('1');
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
    expect(world.github.deployments(OWNER, REPO)).toHaveLength(deployments);
    expect(world.emulator.connectors(WS, NS).find((c) => c.name === 'kafka-orders')?.type).toBe('kafka-orders-changed-by-hand');
  });

  it('drift opens one issue, labelled, with the plan as the PR comment renders it and a link to the run', async () => {
    const since = world.github.requests().length;
    const deployments = world.github.deployments(OWNER, REPO).length;
    world.emulator.resetStats();
    const first = await run();
    ok(first);
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
    expect(world.github.deployments(OWNER, REPO)).toHaveLength(deployments);
    expect(first.outputs.drift).toBe('true');
    expect(first.outputs.result).toBe('planned');
    expect(JSON.parse(first.outputs['plan-json'] ?? '{}').summary.replace).toBe(1);
    const issue = only();
    expect(issue.state).toBe('open');
    expect(issue.title).toBe(`Flink connectors drifted from their definitions (${KEY})`);
    expect(issue.body).toContain('**Plan: 0 to register, 1 to replace, 0 to delete.**');
    expect(issue.body).toContain('1 connector drifted');
    expect(issue.body).toContain('https://github.com/acme/pipelines/actions/runs/4242');
    expect(issue.body).toContain('stray-sink');
    expect(issue.comments).toBe(0);
    expect(world.github.labels(OWNER, REPO).map((l) => l.name)).toEqual([DRIFT_LABEL]);
    expect(requestsSince(world.github, since).filter((r) => r.method === 'POST' && r.path === ISSUES_PATH)).toHaveLength(1);
    expect(first.summary).toContain(`Drift issue #${issue.number}: opened.`);
    expect(first.outputs['issue-url']).toBe(issue.html_url);
  });

  it('a second check with the same drift edits the body and adds no comment', async () => {
    const before = only();
    const since = world.github.requests().length;
    ok(await run());
    const calls = requestsSince(world.github, since);
    expect(calls.filter((r) => r.method === 'POST')).toEqual([]);
    expect(calls.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([`${ISSUES_PATH}/${before.number}`]);
    const after = only();
    expect(after.number).toBe(before.number);
    expect(after.comments).toBe(0);
    expect(after.state).toBe('open');
  });

  it('a change in the drifted set adds one comment and rewrites the body', async () => {
    driftType(world, 'http-lookup');
    const changed = await run();
    ok(changed);
    const issue = only();
    expect(issue.body).toContain('**Plan: 0 to register, 2 to replace, 0 to delete.**');
    const comments = world.github.comments(OWNER, REPO, issue.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('The drifted connectors changed. Now 2 connectors');
    expect(comments[0]?.body).toContain('ws-e2e/default/http-lookup');
  });

  it('two keys give two issues', async () => {
    const other = await check(world, { inputs: { 'comment-key': 'team-b' } });
    ok(other);
    const [b] = driftIssues(world, 'team-b');
    expect(b).toBeDefined();
    expect(b?.number).not.toBe(only().number);
    expect(world.github.issues(OWNER, REPO).filter((i) => i.state === 'open')).toHaveLength(2);
  });

  it('150 newer unrelated issues and pull requests with the same label do not hide it (pagination)', async () => {
    const ours = only();
    for (let i = 0; i < 150; i++) {
      world.github.addIssue(OWNER, REPO, {
        title: `unrelated ${i}`,
        body: i % 3 === 0 ? 'mentions flink-connector-action in passing' : undefined,
        labels: i % 2 === 0 ? [DRIFT_LABEL] : [DRIFT_LABEL, 'bug'],
        pullRequest: i % 5 === 0,
      });
    }
    for (let i = 0; i < 20; i++) world.github.addIssue(OWNER, REPO, { title: `unlabelled ${i}` });
    const since = world.github.requests().length;
    ok(await run());
    const calls = requestsSince(world.github, since);
    expect(calls.some((r) => r.method === 'GET' && r.path.startsWith(`${ISSUES_PATH}?`) && r.path.includes('page=2'))).toBe(true);
    expect(calls.filter((r) => r.method === 'POST')).toEqual([]);
    expect(only().number).toBe(ours.number);
  });

  it('converging closes it with one short comment', async () => {
    ok(await world.apply({ inputs: { 'comment-key': KEY } }));
    const issue = only();
    const converged = await run();
    ok(converged);
    expect(converged.outputs.drift).toBe('false');
    const closed = only();
    expect(closed.number).toBe(issue.number);
    expect(closed.state).toBe('closed');
    expect(closed.state_reason).toBe('completed');
    expect(converged.outputs['issue-url']).toBe(closed.html_url);
    const comments = world.github.comments(OWNER, REPO, issue.number);
    expect(comments).toHaveLength(2);
    expect(comments[1]?.body).toMatch(/^Converged: /);
  });

  it('a check that finds no drift and no open issue does nothing to the issues', async () => {
    const since = world.github.requests().length;
    ok(await run());
    expect(requestsSince(world.github, since).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('drift again reopens the same issue', async () => {
    const issue = only();
    driftType(world, 'kafka-orders');
    const again = await run();
    ok(again);
    const reopened = only();
    expect(reopened.number).toBe(issue.number);
    expect(reopened.state).toBe('open');
    expect(reopened.state_reason).toBe('reopened');
    expect(reopened.body).toContain('**Plan: 0 to register, 1 to replace, 0 to delete.**');
    expect(world.github.comments(OWNER, REPO, issue.number).at(-1)?.body).toMatch(/^Drifted again: 1 connector/);
  });

  it('a 403 on issues warns naming issues: write and still sets drift and plan-json', async () => {
    world.github.deny('issues', 403);
    try {
      const refused = await run();
      ok(refused);
      expect(refused.outputs.drift).toBe('true');
      expect(JSON.parse(refused.outputs['plan-json'] ?? '{}').summary.replace).toBe(1);
      expect(refused.annotations.filter((a) => a.level === 'warning').map((a) => a.message).join('\n')).toContain('permissions: issues: write');
      expect(refused.summary).toContain('drift check');
    } finally {
      world.github.allow('issues');
    }
  });

  it('GitHub failing on issues (after retries) is a warning too, not a failed check', async () => {
    world.github.deny('issues', 500);
    try {
      const failing = await run();
      ok(failing);
      expect(failing.outputs.drift).toBe('true');
      expect(failing.annotations.some((a) => a.level === 'warning' && a.message.startsWith('Could not update the drift issue'))).toBe(true);
    } finally {
      world.github.allow('issues');
    }
  });

  it('fail-on-drift fails the step; drift-issue: false touches no issue', async () => {
    const since = world.github.requests().length;
    const failing = await run({ 'fail-on-drift': 'true', 'drift-issue': 'false' });
    expect(failing.exitCode).toBe(1);
    expect(failing.outputs.drift).toBe('true');
    expect(failing.outputs.result).toBe('failed');
    expect(failing.outputs['issue-url']).toBe('');
    expect(requestsSince(world.github, since).filter((r) => r.path.startsWith(ISSUES_PATH) || r.path.includes('/labels'))).toEqual([]);
  });

  it('two checks racing leave one open issue per key', async () => {
    const [a, b] = await Promise.all([run({ 'comment-key': 'race' }), run({ 'comment-key': 'race' })]);
    ok(a!);
    ok(b!);
    expect(driftIssues(world, 'race').filter((i) => i.state === 'open')).toHaveLength(1);
  });

  it('command: check runs on other events too', async () => {
    const dispatched = await world.plan({ eventName: 'workflow_dispatch', payload: {}, ref: 'refs/heads/main', inputs: { command: 'check', 'comment-key': KEY } });
    ok(dispatched);
    expect(dispatched.outputs.drift).toBe('true');
    expect(only().state).toBe('open');
  });

  it('an issue a person closed as not planned stays closed for that drift, and reopens when the drift changes', async () => {
    const key = 'dismissed';
    ok(await run({ 'comment-key': key }));
    const [opened] = driftIssues(world, key);
    expect(opened?.state).toBe('open');
    await createOctokit(GITHUB_TOKEN, world.github.url).rest.issues.update({ owner: OWNER, repo: REPO, issue_number: opened!.number, state: 'closed', state_reason: 'not_planned' });
    const comments = world.github.comments(OWNER, REPO, opened!.number).length;

    const same = await run({ 'comment-key': key });
    ok(same);
    expect(same.outputs.drift).toBe('true');
    expect(driftIssues(world, key)).toMatchObject([{ number: opened!.number, state: 'closed', state_reason: 'not_planned' }]);
    expect(world.github.comments(OWNER, REPO, opened!.number)).toHaveLength(comments);
    expect(same.summary).toContain(`Drift issue #${opened!.number}: left closed`);

    driftType(world, 'http-lookup');
    ok(await run({ 'comment-key': key }));
    expect(driftIssues(world, key)).toMatchObject([{ number: opened!.number, state: 'open' }]);
    expect(world.github.comments(OWNER, REPO, opened!.number)).toHaveLength(comments + 1);
  });
});
