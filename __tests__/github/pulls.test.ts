import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubFake, type GitHubFakeHandle } from '../../src/emulator/github-fake.js';
import { createOctokit, type Octokit } from '../../src/github/client.js';
import { GitHubPermissionError } from '../../src/github/errors.js';
import { findPullForCommit } from '../../src/github/pulls.js';

let fake: GitHubFakeHandle;
let octokit: Octokit;

beforeAll(async () => {
  fake = await startGitHubFake();
  octokit = createOctokit('any-token', fake.url);
});

afterAll(async () => {
  await fake.close();
});

describe('findPullForCommit', () => {
  it('returns undefined for a commit with no pull request', async () => {
    expect(await findPullForCommit(octokit, 'o', 'r', 'c'.repeat(40))).toBeUndefined();
  });

  it('prefers the merged pull request over open ones', async () => {
    const sha = 'd'.repeat(40);
    fake.setPullsForCommit('o', 'r', sha, [
      { number: 3, state: 'open' },
      { number: 7, merged_at: '2024-05-01T10:00:00Z' },
      { number: 9, state: 'open' },
    ]);
    expect(await findPullForCommit(octokit, 'o', 'r', sha)).toBe(7);
  });

  it('takes the most recently merged when several are merged', async () => {
    const sha = 'e'.repeat(40);
    fake.setPullsForCommit('o', 'r', sha, [
      { number: 1, merged_at: '2024-01-01T00:00:00Z' },
      { number: 2, merged_at: '2024-03-01T00:00:00Z' },
    ]);
    expect(await findPullForCommit(octokit, 'o', 'r', sha)).toBe(2);
  });

  it('falls back to an open pull request whose head is the commit', async () => {
    const sha = 'f'.repeat(40);
    fake.setPullsForCommit('o', 'r', sha, [
      { number: 4, state: 'closed' },
      { number: 5, state: 'open', head: { sha: '0'.repeat(40) } },
      { number: 6, state: 'open' },
    ]);
    expect(await findPullForCommit(octokit, 'o', 'r', sha)).toBe(6);
  });

  it('names the permission on a 403', async () => {
    fake.failNext('pulls', 403);
    await expect(findPullForCommit(octokit, 'o', 'r', 'a'.repeat(40))).rejects.toBeInstanceOf(GitHubPermissionError);
  });
});
