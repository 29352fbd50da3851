import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubFake, type GitHubFakeHandle } from '../../src/emulator/github-fake.js';
import { GITHUB_RETRIES, GITHUB_REQUEST_TIMEOUT_MS, createOctokit, type Octokit } from '../../src/github/client.js';
import { clipDescription, readLatestRecord, writeRecord } from '../../src/github/deployments.js';
import { GitHubPermissionError } from '../../src/github/errors.js';

const SHA_1 = '1'.repeat(40);
const SHA_2 = '2'.repeat(40);
let fake: GitHubFakeHandle;
let octokit: Octokit;

beforeAll(async () => {
  fake = await startGitHubFake({ token: 'ghs_deploy' });
  // The production number of retries, without the production back-off: the waiting is not what is tested.
  octokit = createOctokit('ghs_deploy', fake.url, GITHUB_REQUEST_TIMEOUT_MS, { ...GITHUB_RETRIES, retryAfterBaseValue: 1 });
});

afterAll(async () => {
  await fake.close();
});

function record(ref: string, payload: Record<string, unknown>, environment = 'flink-prod') {
  return {
    owner: 'o',
    repo: 'r',
    environment,
    ref,
    payload,
    state: 'success' as const,
    logUrl: 'https://github.com/o/r/actions/runs/1',
    description: 'Applied 2 changes',
  };
}

describe('writeRecord / readLatestRecord', () => {
  it('returns undefined for an environment without deployments', async () => {
    expect(await readLatestRecord(octokit, { owner: 'o', repo: 'r', environment: 'nothing' })).toBeUndefined();
  });

  it('round-trips ref and payload; the newest wins; earlier successes become inactive', async () => {
    const first = await writeRecord(octokit, record(SHA_1, { fingerprint: 'aaa', connectors: ['x'] }));
    const before = fake.requests().length;
    const second = await writeRecord(octokit, record(SHA_2, { fingerprint: 'bbb', connectors: [] }));
    // One deployment, one status: nothing more.
    expect(fake.requests().slice(before).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /repos/o/r/deployments 201',
      `POST /repos/o/r/deployments/${second.id}/statuses 201`,
    ]);
    await writeRecord(octokit, record(SHA_1, { fingerprint: 'other-env' }, 'flink-staging'));

    const latest = await readLatestRecord(octokit, { owner: 'o', repo: 'r', environment: 'flink-prod' });
    expect(latest).toMatchObject({ id: second.id, ref: SHA_2, sha: SHA_2, payload: { fingerprint: 'bbb', connectors: [] } });
    expect(latest?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const deployments = fake.deployments('o', 'r').filter((d) => d.environment === 'flink-prod');
    expect(deployments.map((d) => d.id)).toEqual([second.id, first.id]);
    expect(deployments[0]?.statuses.map((s) => s.state)).toEqual(['success']);
    expect(deployments[1]?.statuses.map((s) => s.state)).toEqual(['inactive', 'success']);
    expect(deployments[0]?.statuses[0]).toMatchObject({
      log_url: 'https://github.com/o/r/actions/runs/1',
      description: 'Applied 2 changes',
    });
    expect(deployments[0]).toMatchObject({ transient_environment: false, ref: SHA_2 });
  });

  it('reads the newest even when it failed, and leaves the earlier success active', async () => {
    const ok = await writeRecord(octokit, record(SHA_1, { n: 1 }, 'env-fail'));
    const failed = await writeRecord(octokit, { ...record(SHA_2, { n: 2 }, 'env-fail'), state: 'failure' });
    expect(await readLatestRecord(octokit, { owner: 'o', repo: 'r', environment: 'env-fail' })).toMatchObject({
      id: failed.id,
      payload: { n: 2 },
    });
    const okDeployment = fake.deployments('o', 'r').find((d) => d.id === ok.id);
    expect(okDeployment?.statuses.map((s) => s.state)).toEqual(['success']);
  });

  it('works for a branch ref because auto_merge is off', async () => {
    const written = await writeRecord(octokit, record('release/1.0', { n: 3 }, 'env-branch'));
    expect(fake.deployments('o', 'r').find((d) => d.id === written.id)?.ref).toBe('release/1.0');
  });

  it('clips a long description to 140 characters so the status is accepted', async () => {
    const long = 'é'.repeat(200);
    const written = await writeRecord(octokit, { ...record(SHA_1, {}, 'env-long'), description: long });
    const status = fake.deployments('o', 'r').find((d) => d.id === written.id)?.statuses[0];
    expect(Array.from(status?.description ?? '')).toHaveLength(140);
    expect(status?.description.endsWith('…')).toBe(true);
  });

  it('names deployments: write on a refused write and deployments: read on a refused read', async () => {
    fake.failNext('deployments', 403);
    await expect(writeRecord(octokit, record(SHA_1, {}))).rejects.toMatchObject({
      name: 'GitHubPermissionError',
      permission: 'deployments: write',
      message: expect.stringContaining('permissions: deployments: write') as unknown,
    });
    fake.failNext('deployments', 404);
    const error: unknown = await readLatestRecord(octokit, { owner: 'o', repo: 'r', environment: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GitHubPermissionError);
    expect(error).toMatchObject({ permission: 'deployments: read', status: 404 });
    // A lasting server error (more than the retries) passes through as it is, after every retry.
    fake.failNext('deployments', 500, 1 + GITHUB_RETRIES.retries);
    const before = fake.requests().length;
    await expect(readLatestRecord(octokit, { owner: 'o', repo: 'r', environment: 'x' })).rejects.not.toBeInstanceOf(
      GitHubPermissionError,
    );
    expect(fake.requests().slice(before).filter((r) => r.path.includes('/deployments'))).toHaveLength(1 + GITHUB_RETRIES.retries);
  });
});

describe('clipDescription', () => {
  it('keeps short text and clips long text by characters', () => {
    expect(clipDescription('short')).toBe('short');
    expect(clipDescription('x'.repeat(140))).toBe('x'.repeat(140));
    expect(clipDescription('abcdef', 4)).toBe('abc…');
    expect(Array.from(clipDescription('😀'.repeat(150)))).toHaveLength(140);
  });
});
