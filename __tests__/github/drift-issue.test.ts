/**
 * Racing checks, made deterministic: another check's issue appears between our look and our
 * create (or right after our create), and only the oldest open issue of the key survives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubFakeHandle, startGitHubFake } from '../../src/emulator/github-fake.js';
import { createOctokit, type Octokit } from '../../src/github/client.js';
import { DRIFT_LABEL, type DriftIssueTexts, reportDrift } from '../../src/github/drift-issue.js';

const TOKEN = 'ghs_drift';
const BOT = { login: 'github-actions[bot]', type: 'Bot' } as const;
let fake: GitHubFakeHandle;

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN });
});

afterAll(async () => {
  await fake.close();
});

function texts(marker: string): DriftIssueTexts {
  return {
    title: 'Drift',
    body: `${marker}\nset:a`,
    setOf: (body) => /set:(\w+)/.exec(body)?.[1],
    set: 'a',
    changedComment: 'changed',
    againComment: 'again',
    duplicateComment: (n) => `Duplicate of #${n}.`,
  };
}

/** An Octokit that lets `competitor` run once, right after the first request matching `when`. */
function racingOctokit(when: (method: string, url: string) => boolean, competitor: () => void): Octokit {
  const octokit = createOctokit(TOKEN, fake.url);
  let done = false;
  octokit.hook.after('request', (_response, options) => {
    if (!done && when(options.method, options.url)) {
      done = true;
      competitor();
    }
  });
  return octokit;
}

const openOf = (repo: string, marker: string) => fake.issues('o', repo).filter((i) => i.state === 'open' && (i.body ?? '').includes(marker));

describe('two checks racing for one key', () => {
  it('another check created it between our look and our create: ours, the newer, is closed as a duplicate', async () => {
    const marker = '<!-- flink-connector-action:race-1 -->';
    let theirs = 0;
    const octokit = racingOctokit(
      (method, url) => method === 'GET' && url.includes('/issues'),
      () => {
        theirs = fake.addIssue('o', 'r1', { title: 'Drift', body: `${marker}\nset:a`, labels: [DRIFT_LABEL], user: BOT }).number;
      },
    );
    const result = await reportDrift(octokit, { owner: 'o', repo: 'r1', marker }, texts(marker));
    expect(result).toMatchObject({ action: 'updated', number: theirs, commented: false });
    expect(openOf('r1', marker).map((i) => i.number)).toEqual([theirs]);
    const ours = fake.issues('o', 'r1').find((i) => i.number !== theirs);
    expect(ours).toMatchObject({ state: 'closed', state_reason: 'duplicate' });
    expect(fake.comments('o', 'r1', ours!.number).map((c) => c.body)).toEqual([`Duplicate of #${theirs}.`]);
  });

  it('another check created one right after ours: theirs, the newer, is closed and ours stays', async () => {
    const marker = '<!-- flink-connector-action:race-2 -->';
    let theirs = 0;
    const octokit = racingOctokit(
      (method, url) => method === 'POST' && /\/issues$/.test(url),
      () => {
        theirs = fake.addIssue('o', 'r2', { title: 'Drift', body: `${marker}\nset:a`, labels: [DRIFT_LABEL], user: BOT }).number;
      },
    );
    const result = await reportDrift(octokit, { owner: 'o', repo: 'r2', marker }, texts(marker));
    expect(result.action).toBe('opened');
    expect(openOf('r2', marker).map((i) => i.number)).toEqual([result.number]);
    expect(fake.issues('o', 'r2').find((i) => i.number === theirs)).toMatchObject({ state: 'closed', state_reason: 'duplicate' });
  });

  it('a check that finds two open issues keeps the oldest and closes the other', async () => {
    const marker = '<!-- flink-connector-action:race-3 -->';
    const older = fake.addIssue('o', 'r3', { title: 'Drift', body: `${marker}\nset:a`, labels: [DRIFT_LABEL], user: BOT });
    const newer = fake.addIssue('o', 'r3', { title: 'Drift', body: `${marker}\nset:a`, labels: [DRIFT_LABEL], user: BOT });
    const result = await reportDrift(createOctokit(TOKEN, fake.url), { owner: 'o', repo: 'r3', marker }, texts(marker));
    expect(result).toMatchObject({ action: 'updated', number: older.number, commented: false });
    expect(openOf('r3', marker).map((i) => i.number)).toEqual([older.number]);
    expect(fake.issues('o', 'r3').find((i) => i.number === newer.number)?.state_reason).toBe('duplicate');
  });
});

describe('an issue a person closed as not planned', () => {
  const closeAsNotPlanned = (repo: string, issue_number: number) =>
    createOctokit(TOKEN, fake.url).rest.issues.update({ owner: 'o', repo, issue_number, state: 'closed', state_reason: 'not_planned' });

  it('stays closed while the drifted set is the one it describes: no comment, no edit, no new issue', async () => {
    const marker = '<!-- flink-connector-action:dismissed-1 -->';
    const dismissed = fake.addIssue('o', 'r4', { title: 'Drift', body: `${marker}\nset:a`, labels: [DRIFT_LABEL], user: BOT });
    await closeAsNotPlanned('r4', dismissed.number);
    const result = await reportDrift(createOctokit(TOKEN, fake.url), { owner: 'o', repo: 'r4', marker }, texts(marker));
    expect(result).toMatchObject({ action: 'left-closed', number: dismissed.number, commented: false });
    expect(fake.issues('o', 'r4')).toMatchObject([{ number: dismissed.number, state: 'closed', state_reason: 'not_planned', body: `${marker}\nset:a`, comments: 0 }]);
  });

  it('is reopened when the drifted set changes: that drift is news', async () => {
    const marker = '<!-- flink-connector-action:dismissed-2 -->';
    const dismissed = fake.addIssue('o', 'r5', { title: 'Drift', body: `${marker}\nset:old`, labels: [DRIFT_LABEL], user: BOT });
    await closeAsNotPlanned('r5', dismissed.number);
    const result = await reportDrift(createOctokit(TOKEN, fake.url), { owner: 'o', repo: 'r5', marker }, texts(marker));
    expect(result).toMatchObject({ action: 'reopened', number: dismissed.number, commented: true });
    expect(fake.issues('o', 'r5')).toMatchObject([{ number: dismissed.number, state: 'open', body: `${marker}\nset:a`, comments: 1 }]);
  });

  it('closed as completed (a person thought it fixed) is reopened even with the same set', async () => {
    const marker = '<!-- flink-connector-action:done-3 -->';
    const done = fake.addIssue('o', 'r6', { title: 'Drift', body: `${marker}\nset:a`, labels: [DRIFT_LABEL], user: BOT, state: 'closed' });
    const result = await reportDrift(createOctokit(TOKEN, fake.url), { owner: 'o', repo: 'r6', marker }, texts(marker));
    expect(result).toMatchObject({ action: 'reopened', number: done.number });
    expect(fake.issues('o', 'r6')[0]?.state).toBe('open');
  });
});
