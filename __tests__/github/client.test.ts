import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubFake, type GitHubFakeHandle } from '../../src/emulator/github-fake.js';
import { GITHUB_RETRIES, createOctokit } from '../../src/github/client.js';

let fake: GitHubFakeHandle;

beforeAll(async () => {
  fake = await startGitHubFake({ token: 'ghs_client' });
  fake.addComment('o', 'r', 1, 'seen through the fake');
});

afterAll(async () => {
  await fake.close();
});

describe('createOctokit', () => {
  it('sends requests to an explicit base URL with the token', async () => {
    const octokit = createOctokit('ghs_client', `${fake.url}/`);
    const { data } = await octokit.rest.issues.listComments({ owner: 'o', repo: 'r', issue_number: 1 });
    expect(data.map((c) => c.body)).toEqual(['seen through the fake']);
    const wrong = createOctokit('ghs_wrong', fake.url);
    await expect(wrong.rest.issues.listComments({ owner: 'o', repo: 'r', issue_number: 1 })).rejects.toMatchObject({
      status: 401,
    });
  });

  it('refuses an empty token', () => {
    expect(() => createOctokit('', fake.url)).toThrow(/token/);
  });

  it('gives up on a GitHub API that never answers, after the usual retries', async () => {
    let asked = 0;
    const silent = createServer(() => {
      asked++;
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      // The time limit is what expires here, so a short one; the retry back-off is not what is tested.
      const octokit = createOctokit('ghs_client', `http://127.0.0.1:${port}`, 100, { ...GITHUB_RETRIES, retryAfterBaseValue: 1 });
      await expect(octokit.rest.issues.listComments({ owner: 'o', repo: 'r', issue_number: 1 })).rejects.toThrow(/abort|timeout/i);
      expect(asked).toBe(1 + GITHUB_RETRIES.retries);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
