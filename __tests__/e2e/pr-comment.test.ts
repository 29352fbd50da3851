/**
 * The sticky PR comment, end to end: the bundled action against the workspace emulator and the
 * GitHub fake. One comment per PR and key, updated in place, found across pages, never confused
 * with a human's copy of the marker; permissions problems are warnings; outputs and annotations.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, type RunResult } from '../../scripts/local-runner.js';
import {
  botComments,
  commentCalls,
  lineOf,
  liveConnector,
  markerOf,
  prComments,
  requestsSince,
} from '../support/pr-helpers.js';
import { JARS, NS, OWNER, REPO, WS, type World, connectorYaml, startWorld } from '../support/world.js';

const KAFKA = connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 });
const HTTP = connectorYaml({ connector_name: 'http-lookup', connector_type: 'http-lookup', jar_url: JARS.http, lookup: true });

function ok(run: RunResult): void {
  expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
}

describe('the sticky plan comment', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    await world.write({ 'connectors/kafka.yaml': KAFKA });
  });

  afterAll(async () => {
    await world.close();
  });

  it('two plans on one PR leave one comment, updated in place with the second plan', async () => {
    const pr = 101;
    let since = world.github.requests().length;
    const first = await world.plan({ pr });
    ok(first);
    const afterFirst = commentCalls(requestsSince(world.github, since), pr);
    expect(afterFirst.post).toHaveLength(1);
    expect(afterFirst.patch).toHaveLength(0);
    const [created] = prComments(world.github, pr);
    expect(created?.body).toContain('Plan: 1 to register, 0 to replace, 0 to delete.');
    expect(created?.body).not.toContain('http-lookup');

    await world.write({ 'connectors/http.yaml': HTTP });
    try {
      since = world.github.requests().length;
      const second = await world.plan({ pr });
      ok(second);
      const calls = commentCalls(requestsSince(world.github, since), pr);
      expect(calls.post).toHaveLength(0);
      expect(calls.patch).toHaveLength(1);
      expect(calls.patch[0]?.path).toBe(`/repos/${OWNER}/${REPO}/issues/comments/${created?.id}`);
      expect(calls.patch[0]?.status).toBe(200);

      const comments = prComments(world.github, pr);
      expect(comments).toHaveLength(1);
      expect(comments[0]?.id).toBe(created?.id);
      expect(comments[0]?.body).toContain('Plan: 2 to register, 0 to replace, 0 to delete.');
      expect(comments[0]?.body).toContain('http-lookup');
      expect(second.outputs['comment-url']).toBe(comments[0]?.html_url);
      expect(world.emulator.connectors(WS, NS)).toEqual([]);
    } finally {
      await world.remove('connectors/http.yaml');
    }
  });

  it('finds and updates its comment on page 2 of a PR whose comments span three pages', async () => {
    const pr = 102;
    for (let i = 0; i < 150; i++) world.github.addComment(OWNER, REPO, pr, `LGTM ${i}`, { login: `reviewer${i % 7}`, type: 'User' });
    const first = await world.plan({ pr });
    ok(first);
    const ours = botComments(world.github, pr);
    expect(ours).toHaveLength(1);
    // Position 151 of the list: page 2 at 100 per page.
    expect(prComments(world.github, pr).findIndex((c) => c.id === ours[0]?.id)).toBe(150);
    for (let i = 0; i < 120; i++) world.github.addComment(OWNER, REPO, pr, `more review ${i}`);
    expect(prComments(world.github, pr)).toHaveLength(271);

    const since = world.github.requests().length;
    const second = await world.plan({ pr });
    ok(second);
    const calls = commentCalls(requestsSince(world.github, since), pr);
    // 271 comments at 100 per page: exactly three pages, each read once.
    expect(calls.list).toHaveLength(3);
    const pages = calls.list.map((e) => new URL(e.path, 'http://x').searchParams.get('page') ?? '1').sort();
    expect(pages).toEqual(['1', '2', '3']);
    for (const e of calls.list) expect(new URL(e.path, 'http://x').searchParams.get('per_page')).toBe('100');
    expect(calls.post).toHaveLength(0);
    expect(calls.patch.map((e) => e.path)).toEqual([`/repos/${OWNER}/${REPO}/issues/comments/${ours[0]?.id}`]);
    expect(botComments(world.github, pr)).toHaveLength(1);
    expect(prComments(world.github, pr)).toHaveLength(271);
    expect(second.outputs['comment-url']).toBe(ours[0]?.html_url);
  });

  it('does not mistake a human copy of the hidden marker for its own comment', async () => {
    // The marker, as the action writes it for these inputs, taken from a comment it wrote.
    const source = botComments(world.github, 101)[0];
    const marker = markerOf(source?.body ?? '');
    expect(marker).toMatch(/^<!-- flink-connector-action:[^ ]+ -->$/);

    const pr = 103;
    const pastedBefore = world.github.addComment(OWNER, REPO, pr, `${marker}\nI copied the bot's comment: Plan: 9 to register`, { login: 'mallory', type: 'User' });
    let since = world.github.requests().length;
    const first = await world.plan({ pr });
    ok(first);
    let calls = commentCalls(requestsSince(world.github, since), pr);
    expect(calls.patch).toHaveLength(0);
    expect(calls.post).toHaveLength(1);
    const ours = botComments(world.github, pr);
    expect(ours).toHaveLength(1);
    expect(first.outputs['comment-url']).toBe(ours[0]?.html_url);

    // A newer human copy must not win either.
    const pastedAfter = world.github.addComment(OWNER, REPO, pr, `${marker}\nnewer copy`, { login: 'mallory', type: 'User' });
    since = world.github.requests().length;
    const second = await world.plan({ pr });
    ok(second);
    calls = commentCalls(requestsSince(world.github, since), pr);
    expect(calls.post).toHaveLength(0);
    expect(calls.patch.map((e) => e.path)).toEqual([`/repos/${OWNER}/${REPO}/issues/comments/${ours[0]?.id}`]);
    expect(calls.patch[0]?.status).toBe(200);

    const all = prComments(world.github, pr);
    expect(all).toHaveLength(3);
    expect(all.find((c) => c.id === pastedBefore.id)?.body).toBe(pastedBefore.body);
    expect(all.find((c) => c.id === pastedAfter.id)?.body).toBe(pastedAfter.body);
    expect(second.stdout).not.toMatch(/warning.*comment/i);
  });

  it('keeps one comment per comment-key, and derives different default keys for different targets', async () => {
    const pr = 104;
    for (const key of ['alpha', 'beta', 'alpha']) ok(await world.plan({ pr, inputs: { 'comment-key': key } }));
    const keyed = botComments(world.github, pr);
    expect(keyed).toHaveLength(2);
    expect(keyed.map((c) => markerOf(c.body))).toEqual([expect.stringMatching(/^<!-- flink-connector-action:alpha:[0-9a-f]{16} -->$/), expect.stringMatching(/^<!-- flink-connector-action:beta:[0-9a-f]{16} -->$/)]);

    const other = 105;
    ok(await world.plan({ pr: other }));
    ok(await world.plan({ pr: other, inputs: { namespace: 'staging' } }));
    ok(await world.plan({ pr: other, inputs: { 'workspace-id': 'ws-other' } }));
    ok(await world.plan({ pr: other, inputs: { namespace: 'staging' } }));
    const defaults = botComments(world.github, other);
    expect(defaults).toHaveLength(3);
    const markers = defaults.map((c) => markerOf(c.body));
    expect(new Set(markers).size).toBe(3);
    for (const m of markers) expect(m).toMatch(/^<!-- flink-connector-action:[0-9a-f]{8}:[0-9a-f]{16} -->$/);
  });

  it('warns about the missing pull-requests: write permission on a 403 and still plans', async () => {
    const pr = 106;
    world.github.deny('comments', 403);
    try {
      const run = await world.plan({ pr });
      ok(run);
      expect(run.outputs.result).toBe('planned');
      expect(run.outputs['comment-url'] ?? '').toBe('');
      const warnings = run.annotations.filter((a) => a.level === 'warning' && a.message.includes('pull-requests: write'));
      expect(warnings, run.stdout).toHaveLength(1);
      expect(warnings[0]?.message).toMatch(/403/);
      expect(run.summary).toContain('Plan: 1 to register');
    } finally {
      world.github.allow('comments');
    }
    expect(prComments(world.github, pr)).toHaveLength(0);
  });
});

describe('outputs and annotations of a plan with every kind of change', () => {
  let world: World;
  let run: RunResult;
  const pr = 110;
  const FILE = 'review/team.yaml';
  const CONTENT = [
    `workspace_id: ${WS}`,
    `namespace_name: ${NS}`,
    'connectors:',
    '  - connector_name: kafka-orders',
    '    connector_type: kafka-orders',
    `    jar_url: ${JARS.kafkaV1}`,
    '  - connector_name: http-lookup',
    '    connector_type: http-lookup',
    `    jar_url: ${JARS.http}`,
    '    lookup: true',
    '  - connector_name: old-sink',
    '    state: absent',
    '  - connector_name: mysql-cdc',
    '    connector_type: mysql-cdc',
    `    jar_url: ${JARS.mysql}`,
    '',
  ].join('\n');

  beforeAll(async () => {
    world = await startWorld();
    await world.write({ [FILE]: CONTENT });
    world.emulator.seed(WS, NS, [
      liveConnector({ name: 'http-lookup', lookup: false, supportedFormats: ['json'] }),
      liveConnector({ name: 'old-sink', sink: true }),
      liveConnector({ name: 'mysql-cdc', source: true }),
      liveConnector({ name: 'hand-made', type: 's3-archive' }),
    ]);
    run = await world.plan({ pr, inputs: { definitions: 'review/**/*.yaml' } });
  });

  afterAll(async () => {
    await world.close();
  });

  it('sets has-changes, the counts and result', () => {
    ok(run);
    expect(run.outputs['has-changes']).toBe('true');
    expect(run.outputs['to-register']).toBe('1');
    expect(run.outputs['to-replace']).toBe('1');
    expect(run.outputs['to-delete']).toBe('1');
    expect(run.outputs.result).toBe('planned');
    // Planning changed nothing: one list, and (for the replace and the delete) the impact reads.
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1, ListDeployments: 1, GetCatalogs: 1 });
  });

  it('sets plan-json with exactly the top-level fields docs/plan-json.md documents', async () => {
    const doc = await readFile(join(PROJECT_ROOT, 'docs/plan-json.md'), 'utf8');
    const fieldsOf = (heading: string): string[] => {
      const section = doc.split(/^### /m).find((s) => s.startsWith(heading)) ?? '';
      return [...section.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1] ?? '');
    };
    const topLevel = fieldsOf('Top level');
    const summaryFields = fieldsOf('`summary`');
    expect(topLevel.length).toBeGreaterThanOrEqual(5);

    const json = JSON.parse(run.outputs['plan-json'] ?? 'null') as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual([...topLevel].sort());
    expect(json.version).toBe(1);
    expect(json.hasChanges).toBe(true);
    const summary = json.summary as Record<string, number>;
    expect(Object.keys(summary).sort()).toEqual([...summaryFields].sort());
    // mysql-cdc is live as declared but not yet in the record: adopted, record only.
    expect(summary).toMatchObject({ register: 1, replace: 1, delete: 1, adopt: 1, unchanged: 0, unmanaged: 1 });
    const targets = json.targets as Array<{ workspaceId: string; namespace: string; changes: Array<{ action: string; name: string }>; unchanged: string[]; unmanaged: string[] }>;
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({ workspaceId: WS, namespace: NS, unchanged: [], unmanaged: ['hand-made'] });
    expect(targets[0]?.changes.map((c) => `${c.action} ${c.name}`)).toEqual(['replace http-lookup', 'register kafka-orders', 'adopt mysql-cdc', 'delete old-sink']);
    expect(Array.isArray(json.warnings)).toBe(true);
  });

  it('sets comment-url to the html_url of the comment it wrote', () => {
    const comments = prComments(world.github, pr);
    expect(comments).toHaveLength(1);
    expect(run.outputs['comment-url']).toBe(comments[0]?.html_url);
    expect(run.outputs['comment-url']).toMatch(new RegExp(`^https://github\\.com/${OWNER}/${REPO}/pull/${pr}#issuecomment-\\d+$`));
  });

  it('annotates the delete and the replace on the file and line of their definitions', () => {
    const deleteLine = lineOf(CONTENT, 'connector_name: old-sink');
    const replaceLine = lineOf(CONTENT, 'connector_name: http-lookup');
    const del = run.annotations.filter((a) => a.file === FILE && a.line === deleteLine);
    expect(del, run.stdout).toHaveLength(1);
    expect(del[0]?.level).toBe('warning');
    expect(del[0]?.message).toContain('old-sink');
    expect(del[0]?.message).toContain('deleted');

    const rep = run.annotations.filter((a) => a.file === FILE && a.line === replaceLine);
    expect(rep).toHaveLength(1);
    expect(rep[0]?.level).toBe('warning');
    expect(rep[0]?.message).toContain('http-lookup');
    expect(rep[0]?.message).toMatch(/lookup: live false, declared true/);

    // A plain registration is not annotated.
    expect(run.annotations.filter((a) => a.file === FILE && a.line === lineOf(CONTENT, 'connector_name: kafka-orders'))).toEqual([]);
  });

  it('annotates the adoption warning (its JAR cannot be verified) as a notice on its line', () => {
    const adopt = run.annotations.filter((a) => a.file === FILE && a.line === lineOf(CONTENT, 'connector_name: mysql-cdc'));
    expect(adopt).toHaveLength(1);
    expect(adopt[0]?.level).toBe('notice');
    expect(adopt[0]?.message).toContain('mysql-cdc');
    expect(adopt[0]?.message).toContain('could not be verified');
  });

  it('annotates a plan warning about a definition as a notice on its line', async () => {
    // mysql-cdc's type held by an undeclared connector: registering the declared one will fail.
    const file = 'review/clash.yaml';
    const content = connectorYaml({ connector_name: 'archive', connector_type: 's3-archive', jar_url: JARS.s3 });
    await world.write({ [file]: content });
    try {
      const clash = await world.plan({ pr, inputs: { definitions: 'review/**/*.yaml' } });
      ok(clash);
      const notices = clash.annotations.filter((a) => a.level === 'notice' && a.file === file);
      expect(notices, clash.stdout).toHaveLength(1);
      expect(notices[0]?.line).toBe(lineOf(content, 'connector_name: archive'));
      expect(notices[0]?.message).toContain('hand-made');
      expect(prComments(world.github, pr)[0]?.body).toContain('#### Warnings');
    } finally {
      await world.remove(file);
    }
  });
});
