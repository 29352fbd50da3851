/** The GitHub fake serves the issues API the way GitHub does, since the drift issue depends on it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubFakeHandle, startGitHubFake } from '../../src/emulator/github-fake.js';

const TOKEN = 'ghs_issues_token';
let fake: GitHubFakeHandle;

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN });
});

afterAll(async () => {
  await fake.close();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined, link: response.headers.get('link') ?? '' };
}

describe('labels', () => {
  it('creates a label once; a second create is 422 already_exists, whatever the case', async () => {
    expect((await call('POST', '/repos/o/labels/labels', { name: 'drift', color: 'd93f0b' })).status).toBe(201);
    const again = await call('POST', '/repos/o/labels/labels', { name: 'DRIFT', color: 'ffffff' });
    expect(again.status).toBe(422);
    expect(again.json.errors[0]).toMatchObject({ resource: 'Label', code: 'already_exists' });
    expect((await call('POST', '/repos/o/labels/labels', { name: 'x', color: 'nothex' })).status).toBe(422);
  });
});

describe('issues', () => {
  it('creates, edits, closes with a reason and reopens', async () => {
    await call('POST', '/repos/o/r/labels', { name: 'drift', color: 'd93f0b' });
    const created = await call('POST', '/repos/o/r/issues', { title: 'Drift', body: 'b', labels: ['drift', 'missing'] });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ state: 'open', state_reason: null, title: 'Drift', body: 'b', comments: 0 });
    // A label missing from the repository is dropped, never created on the fly.
    expect(created.json.labels.map((l: { name: string }) => l.name)).toEqual(['drift']);
    const n = created.json.number as number;
    const closed = await call('PATCH', `/repos/o/r/issues/${n}`, { state: 'closed' });
    expect(closed.json).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(closed.json.closed_at).toEqual(expect.any(String));
    const dup = await call('PATCH', `/repos/o/r/issues/${n}`, { state: 'closed', state_reason: 'duplicate' });
    expect(dup.json.state_reason).toBe('duplicate');
    const reopened = await call('PATCH', `/repos/o/r/issues/${n}`, { state: 'open', body: 'new' });
    expect(reopened.json).toMatchObject({ state: 'open', state_reason: 'reopened', closed_at: null, body: 'new' });
    expect((await call('PATCH', `/repos/o/r/issues/${n}`, { state: 'gone' })).status).toBe(422);
    expect((await call('PATCH', `/repos/o/r/issues/${n}`, { state: 'closed', state_reason: 'whatever' })).status).toBe(422);
    expect((await call('PATCH', '/repos/o/r/issues/99999', { body: 'x' })).status).toBe(404);
    expect((await call('POST', '/repos/o/r/issues', { body: 'no title' })).status).toBe(422);
  });

  it('refuses a body over 65,536 characters, counted in characters', async () => {
    expect((await call('POST', '/repos/o/r/issues', { title: 't', body: 'é'.repeat(65_536) })).status).toBe(201);
    const long = await call('POST', '/repos/o/r/issues', { title: 't', body: 'x'.repeat(65_537) });
    expect(long.status).toBe(422);
    expect(long.json.errors[0].message).toMatch(/body is too long/);
  });

  it('counts comments, shares numbers with pull requests and lists them with a pull_request key', async () => {
    fake.setPullsForCommit('o', 'p', 'a'.repeat(40), [{ number: 12 }]);
    const issue = await call('POST', '/repos/o/p/issues', { title: 'after the PR' });
    expect(issue.json.number).toBe(13);
    await call('POST', '/repos/o/p/issues/13/comments', { body: 'hello' });
    expect((await call('GET', '/repos/o/p/issues/13')).json.comments).toBe(1);
    fake.addIssue('o', 'p', { title: 'a PR', pullRequest: true });
    const listed = (await call('GET', '/repos/o/p/issues')).json as Array<{ number: number; pull_request?: unknown }>;
    expect(listed.map((i) => [i.number, i.pull_request !== undefined])).toEqual([
      [14, true],
      [13, false],
    ]);
  });

  it('filters by labels= (all of them) and state= (default open), newest first, paged with Link', async () => {
    for (let i = 0; i < 130; i++) fake.addIssue('o', 'list', { title: `i${i}`, labels: i % 2 === 0 ? ['drift'] : ['drift', 'bug'], state: i % 10 === 0 ? 'closed' : 'open' });
    fake.addIssue('o', 'list', { title: 'unlabelled' });
    const open = await call('GET', '/repos/o/list/issues?labels=drift&per_page=100');
    expect(open.json).toHaveLength(100);
    expect(open.json[0].title).toBe('i129');
    expect(open.link).toMatch(/rel="next"/);
    const next = /<([^>]+)>; rel="next"/.exec(open.link)?.[1] ?? '';
    const page2 = await call('GET', new URL(next).pathname + new URL(next).search);
    expect(page2.json).toHaveLength(17);
    const all = await call('GET', '/repos/o/list/issues?labels=drift,BUG&state=all&per_page=100');
    expect(all.json).toHaveLength(65);
    const closed = await call('GET', '/repos/o/list/issues?labels=drift&state=closed');
    expect(closed.json).toHaveLength(13);
    expect((await call('GET', '/repos/o/list/issues?state=weird')).status).toBe(422);
  });

  it('fails on demand with 403 for the issues group', async () => {
    fake.failNext('issues', 403);
    expect((await call('GET', '/repos/o/r/issues')).status).toBe(403);
    expect((await call('GET', '/repos/o/r/issues')).status).toBe(200);
  });
});
