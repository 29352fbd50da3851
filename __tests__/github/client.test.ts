import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubFake, type GitHubFakeHandle } from '../../src/emulator/github-fake.js';
import { createOctokit } from '../../src/github/client.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
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

  it('honours GITHUB_API_URL (read when @actions/github is first imported) without a base URL', async () => {
    // A child process, because the variable is read once at import time; spawned
    // asynchronously so this process can still answer it.
    const script = [
      "import { createOctokit } from './src/github/client.ts';",
      "const octokit = createOctokit('ghs_client');",
      "const { data } = await octokit.rest.issues.listComments({ owner: 'o', repo: 'r', issue_number: 1 });",
      'console.log(JSON.stringify(data.map((c) => c.body)));',
    ].join('\n');
    const before = fake.requests().length;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, GITHUB_API_URL: fake.url },
      timeout: 30_000,
    });
    expect(JSON.parse(stdout.trim())).toEqual(['seen through the fake']);
    expect(fake.requests().slice(before)).toEqual([{ method: 'GET', path: '/repos/o/r/issues/1/comments', status: 200 }]);
  });
});
