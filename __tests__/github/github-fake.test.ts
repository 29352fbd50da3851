import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubFake, type GitHubFakeHandle } from '../../src/emulator/github-fake.js';

const TOKEN = 'ghs_test_token';
let fake: GitHubFakeHandle;

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN });
});

afterAll(async () => {
  await fake.close();
});

function call(method: string, path: string, body?: unknown, auth = `token ${TOKEN}`): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers['authorization'] = auth;
  return fetch(`${fake.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function links(response: Response): Record<string, string> {
  const result: Record<string, string> = {};
  for (const part of (response.headers.get('link') ?? '').split(',')) {
    const match = /<([^>]+)>;\s*rel="(\w+)"/.exec(part);
    if (match?.[1] && match[2]) result[match[2]] = match[1];
  }
  return result;
}

describe('authentication', () => {
  it('answers 401 Bad credentials without or with a wrong token', async () => {
    for (const auth of ['', 'token nope', `Basic ${TOKEN}`]) {
      const response = await call('GET', '/repos/o/r/issues/1/comments', undefined, auth);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ message: 'Bad credentials' });
    }
  });

  it('accepts the token as `token` or `Bearer`, and answers JSON', async () => {
    for (const auth of [`token ${TOKEN}`, `Bearer ${TOKEN}`]) {
      const response = await call('GET', '/repos/o/r/issues/1/comments', undefined, auth);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
  });

  it('refuses GET /user like it does for the workflow token', async () => {
    const response = await call('GET', '/user');
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      message: 'Resource not accessible by integration',
      documentation_url: expect.stringContaining('docs.github.com') as unknown,
    });
  });

  it('answers GET /user for a personal access token', async () => {
    const pat = await startGitHubFake({ userLogin: 'alice' });
    try {
      const response = await fetch(`${pat.url}/user`, { headers: { authorization: 'token anything' } });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ login: 'alice' });
    } finally {
      await pat.close();
    }
  });

  it('answers 404 Not Found for unknown routes', async () => {
    const response = await call('GET', '/repos/o/r/nothing-here');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ message: 'Not Found' });
  });
});

describe('issue comments', () => {
  beforeAll(() => {
    for (let i = 1; i <= 75; i++) fake.addComment('pag', 'r', 7, `comment ${i}`);
  });

  it('pages 30 per page by default, oldest first, with next/last links on the request base URL', async () => {
    const response = await call('GET', '/repos/pag/r/issues/7/comments');
    const page = (await response.json()) as Array<{ body: string }>;
    expect(page).toHaveLength(30);
    expect(page[0]?.body).toBe('comment 1');
    expect(page[29]?.body).toBe('comment 30');
    const rel = links(response);
    expect(Object.keys(rel).sort()).toEqual(['last', 'next']);
    expect(rel['next']).toBe(`${fake.url}/repos/pag/r/issues/7/comments?page=2`);
    expect(rel['last']).toBe(`${fake.url}/repos/pag/r/issues/7/comments?page=3`);
  });

  it('keeps per_page in the links and gives prev/first on later pages', async () => {
    const response = await call('GET', '/repos/pag/r/issues/7/comments?per_page=20&page=2');
    const page = (await response.json()) as Array<{ body: string }>;
    expect(page.map((c) => c.body)).toEqual(Array.from({ length: 20 }, (_, i) => `comment ${i + 21}`));
    const rel = links(response);
    expect(rel['prev']).toBe(`${fake.url}/repos/pag/r/issues/7/comments?per_page=20&page=1`);
    expect(rel['next']).toBe(`${fake.url}/repos/pag/r/issues/7/comments?per_page=20&page=3`);
    expect(rel['last']).toBe(`${fake.url}/repos/pag/r/issues/7/comments?per_page=20&page=4`);
    expect(rel['first']).toBe(`${fake.url}/repos/pag/r/issues/7/comments?per_page=20&page=1`);
  });

  it('caps per_page at 100 and sends no next link on the last page', async () => {
    const response = await call('GET', '/repos/pag/r/issues/7/comments?per_page=500');
    expect((await response.json()) as unknown[]).toHaveLength(75);
    expect(response.headers.get('link')).toBeNull();

    const last = await call('GET', '/repos/pag/r/issues/7/comments?page=3');
    expect((await last.json()) as unknown[]).toHaveLength(15);
    expect(Object.keys(links(last)).sort()).toEqual(['first', 'prev']);
  });

  it('builds links on the host the client used', async () => {
    const viaLocalhost = fake.url.replace('127.0.0.1', 'localhost');
    const response = await fetch(`${viaLocalhost}/repos/pag/r/issues/7/comments`, {
      headers: { authorization: `token ${TOKEN}` },
    });
    expect(links(response)['next']).toBe(`${viaLocalhost}/repos/pag/r/issues/7/comments?page=2`);
  });

  it('authors POSTed comments as the bot and lets only the author edit', async () => {
    const created = await call('POST', '/repos/o/r/issues/3/comments', { body: 'hello' });
    expect(created.status).toBe(201);
    const comment = (await created.json()) as { id: number; user: { login: string; type: string }; html_url: string };
    expect(comment.user).toEqual({ login: 'github-actions[bot]', type: 'Bot' });
    expect(comment.html_url).toContain(`#issuecomment-${comment.id}`);

    const edited = await call('PATCH', `/repos/o/r/issues/comments/${comment.id}`, { body: 'edited' });
    expect(edited.status).toBe(200);
    expect(fake.comments('o', 'r', 3).map((c) => c.body)).toEqual(['edited']);

    const human = fake.addComment('o', 'r', 3, 'mine');
    const refused = await call('PATCH', `/repos/o/r/issues/comments/${human.id}`, { body: 'hijack' });
    expect(refused.status).toBe(403);
    expect(fake.comments('o', 'r', 3).map((c) => c.body)).toEqual(['edited', 'mine']);

    const unknown = await call('PATCH', '/repos/o/r/issues/comments/999999', { body: 'x' });
    expect(unknown.status).toBe(404);
  });

  it('refuses a body over 65,536 characters with 422, and accepts exactly 65,536', async () => {
    const tooLong = await call('POST', '/repos/o/r/issues/4/comments', { body: 'x'.repeat(65_537) });
    expect(tooLong.status).toBe(422);
    expect(await tooLong.json()).toMatchObject({
      message: 'Validation Failed',
      errors: [
        {
          resource: 'IssueComment',
          code: 'custom',
          field: 'body',
          message: 'body is too long (maximum is 65536 characters)',
        },
      ],
    });
    const exact = await call('POST', '/repos/o/r/issues/4/comments', { body: 'x'.repeat(65_536) });
    expect(exact.status).toBe(201);
    const { id } = (await exact.json()) as { id: number };
    const patched = await call('PATCH', `/repos/o/r/issues/comments/${id}`, { body: 'y'.repeat(65_537) });
    expect(patched.status).toBe(422);
  });
});

describe('deployments', () => {
  const sha = 'a'.repeat(40);

  it('answers 409 unless required_contexts: [] is sent', async () => {
    const missing = await call('POST', '/repos/o/d/deployments', { ref: sha, auto_merge: false });
    expect(missing.status).toBe(409);
    expect(((await missing.json()) as { message: string }).message).toMatch(/^Conflict/);
    const some = await call('POST', '/repos/o/d/deployments', { ref: sha, required_contexts: ['ci'] });
    expect(some.status).toBe(409);
    expect(fake.deployments('o', 'd')).toHaveLength(0);
  });

  it('auto-merges a branch ref unless auto_merge: false', async () => {
    const merged = await call('POST', '/repos/o/d/deployments', { ref: 'feature', required_contexts: [] });
    expect(merged.status).toBe(202);
    expect(fake.deployments('o', 'd')).toHaveLength(0);
    const made = await call('POST', '/repos/o/d/deployments', {
      ref: 'feature',
      required_contexts: [],
      auto_merge: false,
    });
    expect(made.status).toBe(201);
  });

  it('returns the payload as sent and lists newest first with Link pagination', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await call('POST', '/repos/o/list/deployments', {
        ref: sha,
        environment: 'flink-prod',
        payload: { run: i, nested: { ok: true } },
        required_contexts: [],
      });
      expect(response.status).toBe(201);
      const body = (await response.json()) as { id: number; payload: unknown; environment: string };
      expect(body.payload).toEqual({ run: i, nested: { ok: true } });
      ids.push(body.id);
    }
    await call('POST', '/repos/o/list/deployments', { ref: sha, environment: 'other', required_contexts: [] });

    const first = await call('GET', '/repos/o/list/deployments?environment=flink-prod&per_page=2');
    expect(((await first.json()) as Array<{ id: number }>).map((d) => d.id)).toEqual([ids[2], ids[1]]);
    const next = links(first)['next'];
    expect(next).toBeDefined();
    const second = await fetch(next ?? '', { headers: { authorization: `token ${TOKEN}` } });
    expect(((await second.json()) as Array<{ id: number }>).map((d) => d.id)).toEqual([ids[0]]);
  });

  it('validates status state and description length', async () => {
    const created = await call('POST', '/repos/o/s/deployments', { ref: sha, required_contexts: [] });
    const { id } = (await created.json()) as { id: number };
    const bad = await call('POST', `/repos/o/s/deployments/${id}/statuses`, { state: 'done' });
    expect(bad.status).toBe(422);
    const long = await call('POST', `/repos/o/s/deployments/${id}/statuses`, {
      state: 'success',
      description: 'd'.repeat(141),
    });
    expect(long.status).toBe(422);
    const ok = await call('POST', `/repos/o/s/deployments/${id}/statuses`, {
      state: 'success',
      description: 'd'.repeat(140),
    });
    expect(ok.status).toBe(201);
    const missing = await call('POST', '/repos/o/s/deployments/424242/statuses', { state: 'success' });
    expect(missing.status).toBe(404);
  });

  it('marks earlier successful deployments of the environment inactive on a new success', async () => {
    const make = async (environment: string): Promise<number> => {
      const response = await call('POST', '/repos/o/inactive/deployments', {
        ref: sha,
        environment,
        required_contexts: [],
      });
      return ((await response.json()) as { id: number }).id;
    };
    const older = await make('prod');
    const elsewhere = await make('staging');
    const newer = await make('prod');
    for (const id of [older, elsewhere, newer]) {
      expect((await call('POST', `/repos/o/inactive/deployments/${id}/statuses`, { state: 'success' })).status).toBe(
        201,
      );
    }
    const statuses = await call('GET', `/repos/o/inactive/deployments/${older}/statuses`);
    expect(((await statuses.json()) as Array<{ state: string }>).map((s) => s.state)).toEqual([
      'inactive',
      'success',
    ]);
    const byId = new Map(fake.deployments('o', 'inactive').map((d) => [d.id, d.statuses.map((s) => s.state)]));
    expect(byId.get(newer)).toEqual(['success']);
    expect(byId.get(elsewhere)).toEqual(['success']);
  });
});

describe('failure injection and the request log', () => {
  it('fails the next n requests of a route, then recovers', async () => {
    fake.failNext('pulls', 500, 2);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('GET', `/repos/o/r/commits/${'b'.repeat(40)}/pulls`)).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('denies a route until allowed again', async () => {
    fake.deny('comments', 403);
    expect((await call('GET', '/repos/o/r/issues/1/comments')).status).toBe(403);
    expect((await call('POST', '/repos/o/r/issues/1/comments', { body: 'x' })).status).toBe(403);
    fake.allow('comments');
    expect((await call('GET', '/repos/o/r/issues/1/comments')).status).toBe(200);
  });

  it('logs method, path with query, and status', async () => {
    const before = fake.requests().length;
    await call('GET', '/repos/o/r/issues/9/comments?per_page=5');
    expect(fake.requests().slice(before)).toEqual([
      { method: 'GET', path: '/repos/o/r/issues/9/comments?per_page=5', status: 200 },
    ]);
  });
});
