import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubFake, type FakeRequestLogEntry, type GitHubFakeHandle } from '../../src/emulator/github-fake.js';
import { createOctokit, type Octokit } from '../../src/github/client.js';
import { GitHubPermissionError } from '../../src/github/errors.js';
import { findStickyComment, upsertStickyComment } from '../../src/github/sticky-comment.js';
import { COMMENT_LIMIT as COMMENT_MAX_CHARS } from '../../src/report/markdown.js';

const TOKEN = 'ghs_sticky';
const MARKER = '<!-- flink-connector-action:plan -->';
const BOT = { login: 'github-actions[bot]', type: 'Bot' } as const;
let fake: GitHubFakeHandle;
let octokit: Octokit;
let issue = 100;

/** Each test works on its own PR so counts and contents do not leak between tests. */
function nextIssue(): number {
  return ++issue;
}

/** Requests made while `work` runs. */
async function requestsDuring(work: () => Promise<unknown>): Promise<FakeRequestLogEntry[]> {
  const before = fake.requests().length;
  await work();
  return fake.requests().slice(before);
}

function count(log: readonly FakeRequestLogEntry[], method: string, pathPart: string): number {
  return log.filter((r) => r.method === method && r.path.includes(pathPart)).length;
}

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN });
  octokit = createOctokit(TOKEN, fake.url);
});

afterAll(async () => {
  await fake.close();
});

describe('upsertStickyComment', () => {
  it('creates once, then updates in place: one comment with the second body', async () => {
    const pr = nextIssue();
    const first = await upsertStickyComment(octokit, {
      owner: 'o',
      repo: 'r',
      issueNumber: pr,
      marker: MARKER,
      body: `${MARKER}\nplan 1`,
    });
    const second = await upsertStickyComment(octokit, {
      owner: 'o',
      repo: 'r',
      issueNumber: pr,
      marker: MARKER,
      body: `${MARKER}\nplan 2`,
    });
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, url: first.url, created: false });
    const comments = fake.comments('o', 'r', pr);
    expect(comments.map((c) => c.body)).toEqual([`${MARKER}\nplan 2`]);
    expect(comments[0]?.user).toEqual(BOT);
    expect(first.url).toBe(comments[0]?.html_url);
  });

  it('prepends the marker when the body lacks it, so the next run finds the comment', async () => {
    const pr = nextIssue();
    await upsertStickyComment(octokit, { owner: 'o', repo: 'r', issueNumber: pr, marker: MARKER, body: 'plain' });
    const again = await upsertStickyComment(octokit, {
      owner: 'o',
      repo: 'r',
      issueNumber: pr,
      marker: MARKER,
      body: 'plain 2',
    });
    expect(again.created).toBe(false);
    expect(fake.comments('o', 'r', pr).map((c) => c.body)).toEqual([`${MARKER}\nplain 2`]);
  });

  it.each([
    ['page 1', 40],
    ['page 2', 150],
  ])('finds our comment on %s of a 3-page PR and updates it with 3 GETs + 1 PATCH', async (_label, position) => {
    const pr = nextIssue();
    for (let i = 0; i < 260; i++) {
      if (i === position) fake.addComment('o', 'r', pr, `${MARKER}\nold plan`, BOT);
      else fake.addComment('o', 'r', pr, `noise ${i}`);
    }
    // A fresh client, so the one-time identity lookup is part of this count.
    const client = createOctokit(TOKEN, fake.url);
    const log = await requestsDuring(() =>
      upsertStickyComment(client, { owner: 'o', repo: 'r', issueNumber: pr, marker: MARKER, body: `${MARKER}\nnew` }),
    );
    const comments = fake.comments('o', 'r', pr);
    expect(comments).toHaveLength(260);
    expect(comments.filter((c) => c.body.includes(MARKER)).map((c) => c.body)).toEqual([`${MARKER}\nnew`]);
    expect(comments[position]?.body).toBe(`${MARKER}\nnew`);
    expect(count(log, 'GET', `/issues/${pr}/comments`)).toBe(3);
    expect(count(log, 'PATCH', '/issues/comments/')).toBe(1);
    expect(count(log, 'POST', '/comments')).toBe(0);
    // Who are we? asked once per Octokit; its 403 (the workflow token) is not fatal.
    // Who we are is asked once, of GraphQL viewer (GET /user is 403 for this token).
    expect(log.filter((r) => r.path === '/graphql' || r.path === '/user')).toEqual([{ method: 'POST', path: '/graphql', status: 200 }]);
    expect(log).toHaveLength(3 + 1 + 1);
    // Asked once: a second upsert with the same client does not ask again.
    const again = await requestsDuring(() =>
      upsertStickyComment(client, { owner: 'o', repo: 'r', issueNumber: pr, marker: MARKER, body: `${MARKER}\nv3` }),
    );
    expect(again.map((r) => r.method)).toEqual(['GET', 'GET', 'GET', 'PATCH']);
  });

  it('never matches a copy of our marker pasted by a human', async () => {
    const pr = nextIssue();
    const pasted = fake.addComment('o', 'r', pr, `look: ${MARKER}`, { login: 'mallory', type: 'User' });
    const result = await upsertStickyComment(octokit, {
      owner: 'o',
      repo: 'r',
      issueNumber: pr,
      marker: MARKER,
      body: `${MARKER}\nplan`,
    });
    expect(result.created).toBe(true);
    const comments = fake.comments('o', 'r', pr);
    expect(comments.map((c) => [c.user.login, c.body])).toEqual([
      ['mallory', `look: ${MARKER}`],
      ['github-actions[bot]', `${MARKER}\nplan`],
    ]);
    expect(comments[0]?.id).toBe(pasted.id);
  });

  it('keeps one comment per marker', async () => {
    const pr = nextIssue();
    const other = '<!-- flink-connector-action:plan:ws-2/ns -->';
    for (const round of [1, 2]) {
      await upsertStickyComment(octokit, { owner: 'o', repo: 'r', issueNumber: pr, marker: MARKER, body: `a${round}` });
      await upsertStickyComment(octokit, { owner: 'o', repo: 'r', issueNumber: pr, marker: other, body: `b${round}` });
    }
    expect(fake.comments('o', 'r', pr).map((c) => c.body)).toEqual([`${MARKER}\na2`, `${other}\nb2`]);
  });

  it('updates the newest of several matching comments and leaves the others', async () => {
    const pr = nextIssue();
    fake.addComment('o', 'r', pr, `${MARKER}\nolder`, BOT);
    fake.addComment('o', 'r', pr, `${MARKER}\nnewer`, BOT);
    const result = await upsertStickyComment(octokit, {
      owner: 'o',
      repo: 'r',
      issueNumber: pr,
      marker: MARKER,
      body: `${MARKER}\nnewest`,
    });
    expect(result.created).toBe(false);
    expect(fake.comments('o', 'r', pr).map((c) => c.body)).toEqual([`${MARKER}\nolder`, `${MARKER}\nnewest`]);
  });

  it('turns a 403 on the comments API into GitHubPermissionError naming pull-requests: write', async () => {
    const pr = nextIssue();
    fake.failNext('comments', 403);
    const attempt = upsertStickyComment(octokit, { owner: 'o', repo: 'r', issueNumber: pr, marker: MARKER, body: 'x' });
    await expect(attempt).rejects.toBeInstanceOf(GitHubPermissionError);
    fake.failNext('comments', 403);
    await expect(
      upsertStickyComment(octokit, { owner: 'o', repo: 'r', issueNumber: pr, marker: MARKER, body: 'x' }),
    ).rejects.toThrow(/permissions: pull-requests: write/);
    expect(fake.comments('o', 'r', pr)).toHaveLength(0);
  });

  it.each([
    ['create', false],
    ['update', true],
  ])('turns a 403 on the %s (read-only token of a fork PR) into GitHubPermissionError', async (_label, existing) => {
    const pr = nextIssue();
    if (existing) fake.addComment('o', 'r', pr, `${MARKER}\nold`, BOT);
    fake.failNext('comments', 403, 1, existing ? 'PATCH' : 'POST');
    const log = await requestsDuring(async () => {
      await expect(
        upsertStickyComment(octokit, { owner: 'o', repo: 'r', issueNumber: pr, marker: MARKER, body: 'x' }),
      ).rejects.toMatchObject({
        name: 'GitHubPermissionError',
        status: 403,
        permission: 'pull-requests: write',
        message: expect.stringMatching(/fork/) as unknown,
      });
    });
    expect(log.filter((r) => r.status === 403 && r.path !== '/user').map((r) => r.method)).toEqual([
      existing ? 'PATCH' : 'POST',
    ]);
    expect(fake.comments('o', 'r', pr).map((c) => c.body)).toEqual(existing ? [`${MARKER}\nold`] : []);
  });

  it('retries a passing server error and succeeds', async () => {
    const pr = nextIssue();
    fake.failNext('comments', 500, 1);
    const result = await upsertStickyComment(octokit, { owner: 'o', repo: 'r', issueNumber: pr, marker: MARKER, body: 'after a 500' });
    expect(result.created).toBe(true);
    expect(fake.comments('o', 'r', pr).map((c) => c.body)).toEqual([expect.stringContaining('after a 500')]);
  });

  it('lets other errors through unchanged', async () => {
    const pr = nextIssue();
    // Three answers of 500: the first try and both retries.
    fake.failNext('comments', 500, 3);
    const error: unknown = await upsertStickyComment(octokit, {
      owner: 'o',
      repo: 'r',
      issueNumber: pr,
      marker: MARKER,
      body: 'x',
    }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(GitHubPermissionError);
    expect(error).toMatchObject({ status: 500 });
  });

  it('refuses a body over the limit before calling GitHub', async () => {
    const pr = nextIssue();
    const log = await requestsDuring(async () => {
      await expect(
        upsertStickyComment(octokit, {
          owner: 'o',
          repo: 'r',
          issueNumber: pr,
          marker: MARKER,
          body: `${MARKER}${'x'.repeat(COMMENT_MAX_CHARS)}`,
        }),
      ).rejects.toThrow(/65536/);
    });
    expect(log).toHaveLength(0);
  });
});

describe('with a personal access token (GET /user answers)', () => {
  let patFake: GitHubFakeHandle;
  let pat: Octokit;

  beforeAll(async () => {
    patFake = await startGitHubFake({ userLogin: 'deploy-user' });
    pat = createOctokit('ghp_anything', patFake.url);
  });

  afterAll(async () => {
    await patFake.close();
  });

  it('matches comments of that user, not the bot, and asks who it is once', async () => {
    patFake.addComment('o', 'r', 1, `${MARKER}\nbot's`, BOT);
    patFake.addComment('o', 'r', 1, `${MARKER}\nmine`, { login: 'deploy-user', type: 'User' });
    patFake.addComment('o', 'r', 2, `${MARKER}\nmine too`, { login: 'deploy-user', type: 'User' });
    const first = await upsertStickyComment(pat, { owner: 'o', repo: 'r', issueNumber: 1, marker: MARKER, body: 'v2' });
    const second = await upsertStickyComment(pat, { owner: 'o', repo: 'r', issueNumber: 2, marker: MARKER, body: 'v2' });
    expect([first.created, second.created]).toEqual([false, false]);
    expect(patFake.comments('o', 'r', 1).map((c) => c.body)).toEqual([`${MARKER}\nbot's`, `${MARKER}\nv2`]);
    expect(patFake.requests().filter((r) => r.path === '/user' || r.path === '/graphql')).toEqual([
      { method: 'POST', path: '/graphql', status: 200 },
    ]);
  });
});

describe('findStickyComment', () => {
  it('returns our newest marked comment with its body, and undefined when there is none', async () => {
    const pr = nextIssue();
    const query = { owner: 'o', repo: 'r', issueNumber: pr, marker: MARKER };
    expect(await findStickyComment(octokit, query)).toBeUndefined();
    fake.addComment('o', 'r', pr, `${MARKER}\nfake`, { login: 'someone', type: 'User' });
    expect(await findStickyComment(octokit, query)).toBeUndefined();
    const ours = fake.addComment('o', 'r', pr, `${MARKER}\n<!-- fingerprint: abc -->`, BOT);
    expect(await findStickyComment(octokit, query)).toMatchObject({
      id: ours.id,
      body: `${MARKER}\n<!-- fingerprint: abc -->`,
      author: 'github-actions[bot]',
      url: ours.html_url,
    });
  });

  it('accepts an explicit author (a GitHub App token)', async () => {
    const pr = nextIssue();
    const app = { login: 'my-app[bot]', type: 'Bot' } as const;
    const ours = fake.addComment('o', 'r', pr, `${MARKER}\napp`, app);
    const found = await findStickyComment(octokit, {
      owner: 'o',
      repo: 'r',
      issueNumber: pr,
      marker: MARKER,
      author: 'my-app[bot]',
    });
    expect(found?.id).toBe(ours.id);
  });
});
