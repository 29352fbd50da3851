/** The GitHub fake answers like GitHub for each kind of token, and for merges right after they happen. */
import { afterEach, describe, expect, it } from 'vitest';
import { type GitHubFakeHandle, startGitHubFake } from '../../src/emulator/github-fake.js';
import { createOctokit } from '../../src/github/client.js';

let fake: GitHubFakeHandle;
afterEach(async () => {
  await fake.close();
});

describe('identities', () => {
  it.each([
    [{ kind: 'workflow' } as const, 'github-actions', 'github-actions[bot]', 403],
    [{ kind: 'app', slug: 'my-app' } as const, 'my-app[bot]', 'my-app[bot]', 403],
    [{ kind: 'pat', login: 'alice' } as const, 'alice', 'alice', 200],
  ])('%o: viewer, GET /user and the comment author', async (identity, viewer, author, userStatus) => {
    fake = await startGitHubFake({ identity });
    const octokit = createOctokit('t', fake.url);
    expect(await octokit.graphql('query { viewer { login } }')).toEqual({ viewer: { login: viewer } });
    const status = await octokit.rest.users.getAuthenticated().then(() => 200, (e: { status: number }) => e.status);
    expect(status).toBe(userStatus);
    const { data } = await octokit.rest.issues.createComment({ owner: 'o', repo: 'r', issue_number: 1, body: 'x' });
    expect(data.user?.login).toBe(author);
    expect(data.performed_via_github_app?.slug ?? null).toBe(identity.kind === 'pat' ? null : identity.kind === 'app' ? 'my-app' : 'github-actions');
  });
});

describe('merges', () => {
  it('lags the PR lookup, compares ranges, and confirms merges by merge_commit_sha', async () => {
    fake = await startGitHubFake();
    const octokit = createOctokit('t', fake.url);
    const [m1, m2, m3] = ['1', '2', '3'].map((d) => d.repeat(40));
    fake.pushCommits('o', 'r', [{ sha: m1!, message: 'init' }, { sha: m2!, message: 'A (#2)' }, { sha: m3!, message: 'B (#3)' }]);
    fake.addMergedPull('o', 'r', { number: 3, merge_commit_sha: m3! });
    fake.lagPullsForCommit('o', 'r', m3!, 1);
    const lookup = () => octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner: 'o', repo: 'r', commit_sha: m3! }).then((r) => r.data.map((p) => p.number));
    expect(await lookup()).toEqual([]);
    expect(await lookup()).toEqual([3]);
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ owner: 'o', repo: 'r', basehead: `${m1}...${m3}` });
    expect(data.commits.map((c) => c.commit.message)).toEqual(['A (#2)', 'B (#3)']);
    expect((await octokit.rest.pulls.get({ owner: 'o', repo: 'r', pull_number: 3 })).data.merge_commit_sha).toBe(m3);
    expect((await octokit.rest.repos.getCommit({ owner: 'o', repo: 'r', ref: m2! })).data.commit.message).toBe('A (#2)');
  });

  it('says whether the head of a comparison is ahead, behind or diverged, as GitHub does', async () => {
    fake = await startGitHubFake();
    const octokit = createOctokit('t', fake.url);
    const [m1, m2, m3, x3] = ['1', '2', '3', 'e'].map((d) => d.repeat(40));
    fake.pushCommits('o', 'r', [{ sha: m1!, message: 'init' }, { sha: m2!, message: 'A (#2)' }, { sha: m3!, message: 'B (#3)' }]);
    // Pushing a known commit again changes nothing.
    fake.pushCommits('o', 'r', [{ sha: m3!, message: 'B (#3)' }]);
    const compare = async (base: string, head: string) => {
      const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ owner: 'o', repo: 'r', basehead: `${base}...${head}` });
      return { status: data.status, ahead: data.ahead_by, behind: data.behind_by, commits: data.commits.map((c) => c.commit.message) };
    };
    expect(await compare(m1!, m3!)).toEqual({ status: 'ahead', ahead: 2, behind: 0, commits: ['A (#2)', 'B (#3)'] });
    expect(await compare(m3!, m3!)).toEqual({ status: 'identical', ahead: 0, behind: 0, commits: [] });
    expect(await compare(m3!, m1!)).toEqual({ status: 'behind', ahead: 0, behind: 2, commits: [] });
    // A force push after m2: m3 is off the branch but still known.
    fake.forcePush('o', 'r', m2!, [{ sha: x3!, message: 'C (#4)' }]);
    expect(await compare(m3!, x3!)).toEqual({ status: 'diverged', ahead: 1, behind: 1, commits: ['C (#4)'] });
    expect(await compare(m1!, x3!)).toEqual({ status: 'ahead', ahead: 2, behind: 0, commits: ['A (#2)', 'C (#4)'] });
    const unknown = await octokit.rest.repos.compareCommitsWithBasehead({ owner: 'o', repo: 'r', basehead: `${'f'.repeat(40)}...${x3}` }).then(() => 200, (e: { status: number }) => e.status);
    expect(unknown).toBe(404);
  });

  it('refuses an environment name over 255 characters', async () => {
    fake = await startGitHubFake();
    const octokit = createOctokit('t', fake.url);
    const create = (environment: string) => octokit.rest.repos.createDeployment({ owner: 'o', repo: 'r', ref: 'a'.repeat(40), environment, auto_merge: false, required_contexts: [] }).then(() => 201, (e: { status: number }) => e.status);
    expect(await create('e'.repeat(255))).toBe(201);
    expect(await create('e'.repeat(256))).toBe(422);
  });
});
