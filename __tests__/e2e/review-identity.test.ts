/**
 * The action recognises its own comment whatever the token: the workflow's GITHUB_TOKEN
 * (`github-actions[bot]`), a GitHub App installation token (`my-app[bot]`, 403 on GET /user) or a
 * personal token. It keeps one comment over several plans, passes the review check on merge, and
 * never takes over a human's comment that begins with a copy of the marker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeIdentity } from '../../src/emulator/github-fake.js';
import { explain } from '../support/record.js';
import { merge, planOn } from '../support/review.js';
import { JARS, NS, OWNER, REPO, WS, type World, connectorYaml, startWorld } from '../support/world.js';

const IDENTITIES: ReadonlyArray<[string, FakeIdentity, string]> = [
  ['GITHUB_TOKEN', { kind: 'workflow' }, 'github-actions[bot]'],
  ['a GitHub App installation token', { kind: 'app', slug: 'my-app' }, 'my-app[bot]'],
  ['a personal token', { kind: 'pat', login: 'deploy-user' }, 'deploy-user'],
];

let world: World;
afterEach(async () => {
  await world.close();
});

describe.each(IDENTITIES)('with %s', (_name, identity, author) => {
  it('keeps one comment, leaves a human copy alone, and passes the review check', async () => {
    world = await startWorld({ checkReview: true, github: { identity } });
    await world.write({ 'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }) });
    const pr = 51;
    await planOn(world, pr);
    const ours = world.github.comments(OWNER, REPO, pr);
    expect(ours.map((c) => c.user.login)).toEqual([author]);
    // Someone pastes our comment (marker first) into their own.
    const human = world.github.addComment(OWNER, REPO, pr, ours[0]?.body ?? '', { login: 'octocat', type: 'User' });
    // A person whose login is the bot's without `[bot]` is still a person.
    const lookalike = author.endsWith('[bot]') ? world.github.addComment(OWNER, REPO, pr, ours[0]?.body ?? '', { login: author.slice(0, -'[bot]'.length), type: 'User' }) : undefined;
    await world.write({ 'connectors/mysql.yaml': connectorYaml({ connector_name: 'mysql-cdc', connector_type: 'mysql-cdc', jar_url: JARS.mysql }) });
    await planOn(world, pr);

    const comments = world.github.comments(OWNER, REPO, pr);
    expect(comments.filter((c) => c.user.login === author)).toHaveLength(1);
    expect(comments.find((c) => c.id === human.id)?.body).toBe(human.body);
    if (lookalike) expect(comments.find((c) => c.id === lookalike.id)?.body).toBe(lookalike.body);
    expect(comments.find((c) => c.user.login === author)?.body).toContain('Plan: 2 to register');

    const sha = 'e1'.repeat(20);
    merge(world, pr, sha);
    const run = await world.apply({ sha });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(world.emulator.connectors(WS, NS).map((c) => c.name).sort()).toEqual(['kafka-orders', 'mysql-cdc']);
    expect(world.github.comments(OWNER, REPO, pr).filter((c) => c.user.login === author)).toHaveLength(1);
  });
});

describe('comment keys', () => {
  it('keys that differ only in characters the marker drops, or beyond 100 characters, keep separate comments', async () => {
    world = await startWorld({ checkReview: true });
    await world.write({ 'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }) });
    const long = 'x'.repeat(100);
    for (const key of ['team a', 'team_a', `${long}-one`, `${long}-two`]) await planOn(world, 61, { 'comment-key': key });
    const comments = world.github.comments(OWNER, REPO, 61);
    expect(comments).toHaveLength(4);
    expect(new Set(comments.map((c) => c.body.split('\n')[0])).size).toBe(4);
    // Each key finds its own again.
    await planOn(world, 61, { 'comment-key': 'team_a' });
    expect(world.github.comments(OWNER, REPO, 61)).toHaveLength(4);
  });
});
